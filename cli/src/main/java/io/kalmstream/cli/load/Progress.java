package io.kalmstream.cli.load;

/** Told how far a load has come, one phase (a topic) at a time. */
public interface Progress {
  void start(String phase, long total);

  void advance(long done);

  void finish();

  /** Says nothing; for tests and library use. */
  Progress SILENT =
      new Progress() {
        @Override
        public void start(String phase, long total) {}

        @Override
        public void advance(long done) {}

        @Override
        public void finish() {}
      };
}
