package dev.telltale.service;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small Prometheus registry: request counts by route, method and status, request latency
 * histograms by route, detections by verdict, attributions by outcome, provenance verifications by
 * status and rate-limit refusals. Job counts by state are read from the database at scrape time and
 * passed to {@link #render}.
 */
public final class Metrics {
  private static final double[] BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Histogram> latency = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> detections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> verifications = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> attributions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> radioactivity = new ConcurrentHashMap<>();
  private final LongAdder rateLimited = new LongAdder();

  /** Records one finished request; {@code route} is the route template, never a raw path. */
  public void request(String route, String method, int status, long nanos) {
    requests
        .computeIfAbsent(
            "route=\"" + route + "\",method=\"" + method + "\",status=\"" + status + "\"",
            k -> new LongAdder())
        .increment();
    latency.computeIfAbsent(route, k -> new Histogram()).observe(nanos / 1e9);
  }

  public void detection(String verdict) {
    detections.computeIfAbsent(verdict, k -> new LongAdder()).increment();
  }

  /** One provenance verification with its reason code ({@code VALID}, {@code MALFORMED}, ...). */
  public void verification(String status) {
    verifications.computeIfAbsent(status, k -> new LongAdder()).increment();
  }

  /** One attribution request: {@code attributed} when an account was named, else {@code none}. */
  public void attribution(String outcome) {
    attributions.computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }

  /** One radioactivity test with its verdict ({@code radioactive} or {@code not_radioactive}). */
  public void radioactivity(String verdict) {
    radioactivity.computeIfAbsent(verdict, k -> new LongAdder()).increment();
  }

  public void rateLimited() {
    rateLimited.increment();
  }

  /** The Prometheus text exposition (format 0.0.4). */
  public String render(Map<String, Long> jobsByState) {
    StringBuilder sb = new StringBuilder(4096);
    sb.append("# HELP telltale_http_requests_total HTTP requests by route, method and status.\n");
    sb.append("# TYPE telltale_http_requests_total counter\n");
    new TreeMap<>(requests)
        .forEach(
            (labels, n) ->
                sb.append("telltale_http_requests_total{")
                    .append(labels)
                    .append("} ")
                    .append(n.sum())
                    .append('\n'));
    sb.append("# HELP telltale_http_request_duration_seconds HTTP request latency by route.\n");
    sb.append("# TYPE telltale_http_request_duration_seconds histogram\n");
    new TreeMap<>(latency).forEach((route, h) -> h.render(sb, route));
    sb.append("# HELP telltale_detections_total Detections by verdict.\n");
    sb.append("# TYPE telltale_detections_total counter\n");
    new TreeMap<>(detections)
        .forEach(
            (verdict, n) ->
                sb.append("telltale_detections_total{verdict=\"")
                    .append(verdict)
                    .append("\"} ")
                    .append(n.sum())
                    .append('\n'));
    sb.append(
        "# HELP telltale_provenance_verifications_total Provenance verifications by status.\n");
    sb.append("# TYPE telltale_provenance_verifications_total counter\n");
    new TreeMap<>(verifications)
        .forEach(
            (status, n) ->
                sb.append("telltale_provenance_verifications_total{status=\"")
                    .append(status)
                    .append("\"} ")
                    .append(n.sum())
                    .append('\n'));
    sb.append("# HELP telltale_attributions_total Attribution requests by outcome.\n");
    sb.append("# TYPE telltale_attributions_total counter\n");
    new TreeMap<>(attributions)
        .forEach(
            (outcome, n) ->
                sb.append("telltale_attributions_total{outcome=\"")
                    .append(outcome)
                    .append("\"} ")
                    .append(n.sum())
                    .append('\n'));
    sb.append("# HELP telltale_radioactivity_tests_total Radioactivity tests by verdict.\n");
    sb.append("# TYPE telltale_radioactivity_tests_total counter\n");
    new TreeMap<>(radioactivity)
        .forEach(
            (verdict, n) ->
                sb.append("telltale_radioactivity_tests_total{verdict=\"")
                    .append(verdict)
                    .append("\"} ")
                    .append(n.sum())
                    .append('\n'));
    sb.append(
        "# HELP telltale_rate_limited_total Detections and attributions refused by the per-token limit.\n");
    sb.append("# TYPE telltale_rate_limited_total counter\n");
    sb.append("telltale_rate_limited_total ").append(rateLimited.sum()).append('\n');
    sb.append("# HELP telltale_jobs Jobs by state.\n");
    sb.append("# TYPE telltale_jobs gauge\n");
    new TreeMap<>(jobsByState)
        .forEach(
            (state, n) ->
                sb.append("telltale_jobs{state=\"")
                    .append(state)
                    .append("\"} ")
                    .append(n)
                    .append('\n'));
    return sb.toString();
  }

  private static final class Histogram {
    final LongAdder[] counts = new LongAdder[BUCKETS.length];
    final LongAdder count = new LongAdder();
    final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double seconds) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i].increment();
          break;
        }
      }
      count.increment();
      sum.add(seconds);
    }

    void render(StringBuilder sb, String route) {
      long cumulative = 0;
      String name = "telltale_http_request_duration_seconds";
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += counts[i].sum();
        sb.append(name)
            .append("_bucket{route=\"")
            .append(route)
            .append("\",le=\"")
            .append(String.format(Locale.ROOT, "%s", BUCKETS[i]))
            .append("\"} ")
            .append(cumulative)
            .append('\n');
      }
      long n = count.sum();
      sb.append(name).append("_bucket{route=\"").append(route).append("\",le=\"+Inf\"} ");
      sb.append(n).append('\n');
      sb.append(name).append("_sum{route=\"").append(route).append("\"} ");
      sb.append(sum.sum()).append('\n');
      sb.append(name).append("_count{route=\"").append(route).append("\"} ");
      sb.append(n).append('\n');
    }
  }
}
