package dev.telltale.spark;

import org.apache.spark.sql.SparkSession;

/** Local Spark sessions for tests: loopback only, no web UI, few shuffle partitions. */
final class TestSessions {
  private TestSessions() {}

  static SparkSession local(int threads) {
    return SparkSession.builder()
        .master("local[" + threads + "]")
        .appName("telltale-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }
}
