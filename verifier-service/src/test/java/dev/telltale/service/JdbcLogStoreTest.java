package dev.telltale.service;

import dev.telltale.evidence.log.LogStore;
import dev.telltale.evidence.log.LogStoreContract;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/** Core's {@link LogStoreContract} for the service's JDBC log store, on an H2 file database. */
class JdbcLogStoreTest extends LogStoreContract {
  private final List<Database> opened = new ArrayList<>();

  @Override
  protected LogStore create() throws Exception {
    Database db =
        Database.open(
            ServiceConfig.defaultsOnly()
                .with(Map.of("data", Files.createTempDirectory("telltale-log").toString())));
    opened.add(db);
    return JdbcLogStore.over(db.dataSource());
  }

  @Override
  protected LogStore reopen() {
    return JdbcLogStore.over(opened.get(opened.size() - 1).dataSource());
  }

  @AfterEach
  void close() {
    opened.forEach(Database::close);
  }
}
