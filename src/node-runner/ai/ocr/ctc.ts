/**
 * The recogniser's alphabet from a PaddleOCR key file (one character per line): index 0 is the
 * CTC blank and, when the model has one more class than the file has lines, the last is a space.
 */
export function ocrAlphabet(keysText: string, classes: number): string[] {
  const keys = keysText.split(/\r?\n/);
  if (keys.at(-1) === "") keys.pop();
  const alphabet = ["", ...keys];
  if (classes === alphabet.length + 1) alphabet.push(" ");
  return alphabet;
}

/**
 * Greedy CTC decoding of `steps × classes` probabilities: the best class per step, repeats merged,
 * blanks (class 0) dropped. The score is the mean probability of the characters kept.
 */
export function ctcGreedy(
  probs: Float32Array,
  steps: number,
  classes: number,
  alphabet: readonly string[],
): { text: string; score: number } {
  let text = "";
  let sum = 0;
  let kept = 0;
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let best = 0;
    let bestP = probs[row]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== prev) {
      text += alphabet[best] ?? "";
      sum += bestP;
      kept++;
    }
    prev = best;
  }
  return { text, score: kept ? sum / kept : 0 };
}
