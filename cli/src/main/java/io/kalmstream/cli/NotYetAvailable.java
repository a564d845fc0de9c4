package io.kalmstream.cli;

/** Exit code and message of a subcommand whose issue has not landed yet. */
final class NotYetAvailable {
  static final int EXIT_CODE = 3;

  private NotYetAvailable() {}

  static int report(String command, String issue) {
    System.err.println("kalm " + command + " is not available in this build yet (" + issue + ").");
    return EXIT_CODE;
  }
}
