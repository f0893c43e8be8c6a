package dev.telltale.cli;

import dev.telltale.testdata.SamplingParams;
import picocli.CommandLine.Option;

/** Sampling options of the demo teacher model. */
final class TeacherOptions {
  @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature.")
  double temperature;

  @Option(names = "--top-k", defaultValue = "50", description = "Top-k cut (0 = off).")
  int topK;

  @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus cut in (0, 1].")
  double topP;

  SamplingParams toParams() {
    try {
      return new SamplingParams(temperature, topK, topP);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }
}
