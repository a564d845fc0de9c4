package io.kalmstream.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaRuntimesTest {
  @Test
  void picksTheNewestJdkOfAtLeastTheWantedVersion(@TempDir Path jvms) throws Exception {
    fakeJdk(jvms.resolve("java-17"), "17.0.15");
    fakeJdk(jvms.resolve("temurin-21"), "21.0.4");
    fakeJdk(jvms.resolve("temurin-25"), "25.0.3");
    fakeJdk(jvms.resolve("java-8"), "1.8.0_402");
    assertEquals(Optional.of(jvms.resolve("temurin-25")), JavaRuntimes.newestUnder(jvms, 21));
    assertEquals(Optional.empty(), JavaRuntimes.newestUnder(jvms, 26));
    assertEquals(
        Optional.of(1),
        JavaRuntimes.featureVersion(jvms.resolve("java-8")),
        "Java 8 reports 1.8, below any minimum we ask for");
  }

  @Test
  void findsAJava21RuntimeOnThisMachine() {
    Path java = JavaRuntimes.javaExecutable(21);
    assertTrue(Files.isExecutable(java), java.toString());
    assertTrue(
        JavaRuntimes.featureVersion(java.getParent().getParent()).orElse(0) >= 21, java.toString());
  }

  private static void fakeJdk(Path home, String version) throws Exception {
    Files.createDirectories(home.resolve("bin"));
    Files.writeString(
        home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
    Path java = home.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
