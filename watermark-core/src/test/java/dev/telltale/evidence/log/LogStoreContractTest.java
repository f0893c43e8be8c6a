package dev.telltale.evidence.log;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The {@link LogStoreContract} for the in-memory and the file store. */
class LogStoreContractTest {
  @Nested
  class InMemory extends LogStoreContract {
    @Override
    protected LogStore create() {
      return new InMemoryLogStore();
    }

    @Override
    protected LogStore reopen() {
      return null;
    }
  }

  @Nested
  class Files extends LogStoreContract {
    @TempDir Path dir;

    @Override
    protected LogStore create() throws Exception {
      return FileLogStore.open(dir);
    }

    @Override
    protected LogStore reopen() throws Exception {
      return FileLogStore.open(dir);
    }
  }
}
