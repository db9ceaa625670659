/** Schemas shared by every route: the error body. */
import { Type } from 'typebox';

export const ErrorBody = Type.Object(
  {
    code: Type.String({ pattern: '^ERR_[A-Z0-9_]+$' }),
    message: Type.String(),
  },
  { $id: 'ErrorBody', description: 'Every error answer' },
);

export const errorResponse = (description: string) => ({ ...Type.Ref('ErrorBody'), description });
