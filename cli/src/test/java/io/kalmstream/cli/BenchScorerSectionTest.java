package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchScorerSectionTest {
  @TempDir Path tmp;

  private static String section(String body) {
    return BenchScorerCommand.SECTION_START + "\n" + body + "\n" + BenchScorerCommand.SECTION_END + "\n";
  }

  @Test
  void theScorerSectionIsAppendedOnceThenReplacedLeavingOtherSectionsAlone() throws Exception {
    Path file = tmp.resolve("docs/BENCHMARKS.md");
    BenchScorerCommand.writeSection(file, section("first"));
    assertEquals("# Benchmarks\n\n" + section("first"), Files.readString(file));

    Files.writeString(file, "# Benchmarks\n\n## Model\nfigures\n\n" + section("first") + "\n## Trainer\nmore\n");
    BenchScorerCommand.writeSection(file, section("second"));
    assertEquals("# Benchmarks\n\n## Model\nfigures\n\n" + section("second").strip() + "\n\n## Trainer\nmore\n",
        Files.readString(file));
  }
}
