package dev.telltale.spark;

import java.io.Serializable;

/**
 * One record of the scoring pass: a scored document (its result line and fields, totals and, until
 * {@link PooledRuns} takes them, the fingerprints each key scored first), at the end of a file with
 * malformed JSONL lines that file's malformed-line summary, or a packed run of fingerprints ({@link
 * #run}, {@link #slot}). {@code order} sorts records in corpus order: file index in the high 32
 * bits, position in the file in the low ones.
 */
final class ScoredRow implements Serializable {
  private static final long serialVersionUID = 1L;

  long order;
  boolean malformedSummary;

  // A document.
  String id;
  String line;
  int tokens;
  long bytes;
  long scored;
  double statistic;
  double pValue;
  double log10p;
  double reportedLog10p;
  String keyId;
  long[] positions;
  long[][] fingerprints;

  // A run of the pooled tuple set (PooledRuns): slot = key * partitions + partition.
  int slot = -1;
  byte[] run;

  // A file's malformed lines: the count and the first ones as source, line, reason.
  long malformedCount;
  String[] malformedSources;
  long[] malformedLines;
  String[] malformedReasons;

  ScoredRow() {}

  boolean isDocument() {
    return run == null && !malformedSummary;
  }

  /** A copy without the fingerprints (everything the summary and the outputs need). */
  ScoredRow withoutFingerprints() {
    ScoredRow r = new ScoredRow();
    r.order = order;
    r.malformedSummary = malformedSummary;
    r.id = id;
    r.line = line;
    r.tokens = tokens;
    r.bytes = bytes;
    r.scored = scored;
    r.statistic = statistic;
    r.pValue = pValue;
    r.log10p = log10p;
    r.reportedLog10p = reportedLog10p;
    r.keyId = keyId;
    r.positions = positions;
    r.malformedCount = malformedCount;
    r.malformedSources = malformedSources;
    r.malformedLines = malformedLines;
    r.malformedReasons = malformedReasons;
    return r;
  }
}
