package dev.telltale.detect;

/**
 * What vLLM's own detector reports for a token sequence: its count of scored tokens (after its
 * context deduplication, when on), its score (Gumbel sum, or SBW green count) and its p-value.
 */
public record VllmFigures(long scoredTokens, double score, double pValue) {}
