// Reads a dictionary the user picked (a .safetensors checkpoint, with its cfg.json beside it when there is one)
// into SaeWeights on the page, so the evaluation job receives plain arrays in the one semantics the engine uses.
import { blobSource } from '../../core/formats/byte-source';
import { openSafetensors } from '../../core/formats/safetensors';
import { importDictionary, type DictionaryLayout, type NamedTensor } from '../../core/sae/layouts';
import type { SaeWeights } from '../../core/sae/params';

export interface ImportedDictionary {
  name: string;
  layout: DictionaryLayout;
  weights: SaeWeights;
}

export async function readDictionary(files: File[]): Promise<ImportedDictionary> {
  const weightsFile = files.find((f) => /\.safetensors$/i.test(f.name));
  if (!weightsFile)
    throw new Error(
      `${files.map((f) => f.name).join(', ') || 'no file'}: choose a .safetensors dictionary (and its cfg.json, if it has one)`,
    );
  const cfgFile = files.find((f) => /\.json$/i.test(f.name));
  let cfg: Record<string, unknown> = {};
  if (cfgFile) {
    try {
      cfg = JSON.parse(await cfgFile.text());
    } catch (e) {
      throw new Error(`${cfgFile.name}: not valid JSON (${(e as Error).message})`, { cause: e });
    }
  }
  const st = await openSafetensors(blobSource(weightsFile, weightsFile.name));
  const tensors = new Map<string, NamedTensor>();
  for (const t of st.tensors) tensors.set(t.key, { shape: t.shape, data: await t.readF32() });
  const { layout, weights } = importDictionary(weightsFile.name, tensors, cfg);
  return { name: weightsFile.name, layout, weights };
}
