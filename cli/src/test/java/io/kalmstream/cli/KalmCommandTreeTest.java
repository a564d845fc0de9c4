package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The whole command tree builds (picocli rejects clashing options only when it assembles a
 * command).
 */
class KalmCommandTreeTest {

  @Test
  void everySubcommandOfDesignIsRegistered() {
    CommandLine kalm = Kalm.commandLine();
    assertTrue(
        kalm.getSubcommands()
            .keySet()
            .containsAll(
                Set.of(
                    "local",
                    "ingest",
                    "train",
                    "score",
                    "load",
                    "query",
                    "eval",
                    "bench",
                    "generate",
                    "runtime")),
        kalm.getSubcommands().keySet().toString());
    assertEquals(
        Set.of("model", "ingest", "scorer", "kgc", "local", "train", "faults"),
        kalm.getSubcommands().get("bench").getSubcommands().keySet());
  }

  @Test
  void everySubcommandPrintsItsHelp() {
    for (CommandLine sub : Kalm.commandLine().getSubcommands().values()) {
      if (sub.getCommandSpec().helpCommand()) {
        continue;
      }
      assertHelp(sub);
      sub.getSubcommands().values().forEach(KalmCommandTreeTest::assertHelp);
    }
  }

  private static void assertHelp(CommandLine command) {
    StringWriter text = new StringWriter();
    command.usage(new PrintWriter(text));
    assertTrue(text.toString().startsWith("Usage: kalm"), command.getCommandName() + ": " + text);
  }
}
