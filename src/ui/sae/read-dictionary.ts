// Reads a pretrained SAE the user picked (a weights file with its cfg.json / config.json, or a whole folder's
// files) into SaeWeights on the page, through the same importer as the CLI, so the evaluation job receives plain
// arrays in the one semantics the engine uses.
import { blobSource } from '../../core/formats/byte-source';
import { readSae } from '../../core/sae/import/import-sae';
import type { ImportedSae } from '../../core/sae/import/sae-source';

export type ImportedDictionary = ImportedSae;

/** What the file picker offers: every weights and config file the importer reads. */
export const DICTIONARY_ACCEPT = '.safetensors,.json,.pt,.pth,.npz';

export function readDictionary(files: File[]): Promise<ImportedDictionary> {
  return readSae(files.map((f) => blobSource(f, f.name)));
}
