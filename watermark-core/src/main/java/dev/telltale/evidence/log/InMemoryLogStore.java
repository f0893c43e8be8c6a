package dev.telltale.evidence.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@link LogStore} in memory: for tests and for throw-away logs. Not durable. */
public final class InMemoryLogStore implements LogStore {
  private final List<byte[]> entries = new ArrayList<>();
  private final List<List<byte[]>> levels = new ArrayList<>();
  private final List<SignedTreeHead> heads = new ArrayList<>();

  @Override
  public synchronized long size() {
    return entries.size();
  }

  @Override
  public synchronized byte[] entry(long index) {
    return entries.get(Math.toIntExact(index)).clone();
  }

  @Override
  public synchronized byte[] hash(int level, long index) {
    return levels.get(level).get(Math.toIntExact(index)).clone();
  }

  @Override
  public synchronized void append(List<LogRecord> records) {
    for (LogRecord r : records) {
      entries.add(r.entry());
      List<byte[]> hs = r.hashes();
      for (int l = 0; l < hs.size(); l++) {
        if (levels.size() <= l) {
          levels.add(new ArrayList<>());
        }
        levels.get(l).add(hs.get(l));
      }
    }
  }

  @Override
  public synchronized Optional<SignedTreeHead> latestTreeHead() {
    return heads.isEmpty() ? Optional.empty() : Optional.of(heads.get(heads.size() - 1));
  }

  @Override
  public synchronized Optional<SignedTreeHead> treeHead(long treeSize) {
    for (int i = heads.size() - 1; i >= 0; i--) {
      if (heads.get(i).treeSize() == treeSize) {
        return Optional.of(heads.get(i));
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized void addTreeHead(SignedTreeHead head) {
    heads.add(head);
  }

  @Override
  public void close() {}
}
