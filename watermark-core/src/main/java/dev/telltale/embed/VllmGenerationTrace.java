package dev.telltale.embed;

/**
 * What a vLLM-key session did so far, as vLLM's golden traces count it.
 *
 * @param routingDraws dual-key routing draws (one per step when 0 < alpha < 1)
 * @param keyBRouted steps routed to key B
 * @param keyBEffective steps routed to key B that were watermarked
 * @param dedupSkips steps not watermarked because of context deduplication
 * @param partialContextSkips of those, steps with fewer than context-width generated tokens
 */
public record VllmGenerationTrace(
    long routingDraws,
    long keyBRouted,
    long keyBEffective,
    long dedupSkips,
    long partialContextSkips) {}
