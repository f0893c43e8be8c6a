package dev.telltale.forensics.radioactivity;

import dev.telltale.key.KeyId;
import dev.telltale.stats.TailProbability;

/**
 * Outcome of a radioactivity test: was the suspect model trained on text carrying this key's
 * watermark?
 *
 * @param keyId the key tested
 * @param scheme {@code kgw} or {@code gumbel}
 * @param mode {@code closed} (prompts and answers) or {@code reading} (top-1 predictions)
 * @param records exchanges or reading records tested
 * @param positions positions with a full context window
 * @param skippedPromptWindows positions skipped because their window occurs in a prompt
 * @param skippedByFilter positions skipped because their window is not in the window filter
 * @param skippedRepeatedWindows reading mode: positions skipped because their window occurred
 *     earlier in the same reading (a copying model would predict our token there)
 * @param duplicates positions skipped because their tuple was already scored
 * @param scoredTuples distinct tuples scored
 * @param score green tuples (kgw) or sum of {@code -ln(1 - r)} (gumbel)
 * @param share green share (kgw) or mean score (gumbel)
 * @param expectedShare gamma (kgw) or 1 (gumbel): the share under the null
 * @param p exact p-value over one global tape (meaningful only when {@code validTest})
 * @param validTest whether the options make {@code p} a valid p-value; false for an exploratory run
 *     (no deduplication, or no prompt filter in closed mode), which gives no verdict and no
 *     evidence
 */
public record RadioactivityResult(
    KeyId keyId,
    String scheme,
    String mode,
    long records,
    long positions,
    long skippedPromptWindows,
    long skippedByFilter,
    long skippedRepeatedWindows,
    long duplicates,
    long scoredTuples,
    double score,
    double share,
    double expectedShare,
    TailProbability p,
    boolean validTest) {}
