/** Camera scanning with the BarcodeDetector API (the `barcode-detector` ponyfill, its zxing wasm served by the app). */
import { BarcodeDetector } from 'barcode-detector/ponyfill';

export interface CameraScanner {
  stop(): void;
}

/**
 * Starts the rear camera and calls `onCode` once per new code, with the time the frame was taken (for the
 * frame-to-verdict measure); the same code is not reported twice within `repeatMs` (default 3 s).
 */
export async function startCameraScanner(
  video: HTMLVideoElement,
  onCode: (text: string, frameAt: number) => void,
  repeatMs = 3000,
): Promise<CameraScanner> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'environment' },
    audio: false,
  });
  video.srcObject = stream;
  await video.play();
  const detector = new BarcodeDetector({ formats: ['qr_code'] });
  let stopped = false;
  let last = { text: '', at: 0 };
  const loop = async () => {
    while (!stopped) {
      try {
        const frameAt = performance.now();
        const codes = await detector.detect(video);
        const text = codes[0]?.rawValue;
        if (text && (text !== last.text || Date.now() - last.at > repeatMs)) {
          last = { text, at: Date.now() };
          onCode(text, frameAt);
        }
      } catch {
        // A frame that cannot be read is skipped; the next one usually can.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  void loop();
  return {
    stop() {
      stopped = true;
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}
