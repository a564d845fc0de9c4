package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchScorerSectionTest {
  @TempDir Path tmp;

  private static String section(String body) {
    return BenchScorerCommand.SECTION_START
        + "\n"
        + body
        + "\n"
        + BenchScorerCommand.SECTION_END
        + "\n";
  }

  @Test
  void theScorerSectionIsAppendedOnceThenReplacedLeavingOtherSectionsAlone() throws Exception {
    Path file = tmp.resolve("docs/BENCHMARKS.md");
    BenchScorerCommand.writeSection(file, section("first"));
    assertEquals("# Benchmarks\n\n" + section("first"), Files.readString(file));

    Files.writeString(
        file, "# Benchmarks\n\n## Model\nfigures\n\n" + section("first") + "\n## Trainer\nmore\n");
    BenchScorerCommand.writeSection(file, section("second"));
    assertEquals(
        "# Benchmarks\n\n## Model\nfigures\n\n"
            + section("second").strip()
            + "\n\n## Trainer\nmore\n",
        Files.readString(file));
  }

  @Test
  void aSectionWithOnlyOneMarkerIsRefusedRatherThanDuplicated() throws Exception {
    Path file = tmp.resolve("BENCHMARKS.md");
    Files.writeString(
        file, "# Benchmarks\n\n## Scorer\nold\n" + BenchScorerCommand.SECTION_END + "\n");
    String before = Files.readString(file);
    assertThrows(
        IllegalStateException.class, () -> BenchScorerCommand.writeSection(file, section("new")));
    assertEquals(before, Files.readString(file));
  }

  @Test
  void noDocumentIsChangedUnlessOneIsNamed() {
    BenchScorerCommand command = new BenchScorerCommand();
    new CommandLine(command).parseArgs();
    assertNull(command.docs);
  }

  @Test
  void theTrackedBenchmarksFileHasBothMarkersOfItsScorerSection() throws Exception {
    Path doc = Path.of(System.getProperty("kalm.project.dir", "..")).resolve("docs/BENCHMARKS.md");
    String text = Files.readString(doc);
    int start = text.indexOf(BenchScorerCommand.SECTION_START);
    int end = text.indexOf(BenchScorerCommand.SECTION_END);
    assertEquals(true, start >= 0 && end > start, "start and end markers in order in " + doc);
    assertEquals(start, text.lastIndexOf(BenchScorerCommand.SECTION_START), "one scorer section");
  }
}
