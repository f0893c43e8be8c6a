package dev.telltale.forensics.corpus;

/**
 * A JSONL line that is not a JSON object (skipped and counted, never fatal).
 *
 * @param source the file it came from
 * @param line 1-based line number
 * @param reason short reason, e.g. {@code not valid JSON}
 */
public record MalformedLine(String source, long line, String reason) {}
