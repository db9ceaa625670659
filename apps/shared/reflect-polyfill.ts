/**
 * @peculiar/x509 (DSC parsing) needs the Reflect metadata polyfill before it loads. The bundler turns a bare import
 * of the CommonJS polyfill into a call in the importer's body, which runs after the importer's other imports; an
 * ES module of its own, imported first, runs it first.
 */
import 'reflect-metadata';
