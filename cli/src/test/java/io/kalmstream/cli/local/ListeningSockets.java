package io.kalmstream.cli.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TCP sockets a process listens on, read from /proc as {@code ss -ltnp} does: the process's
 * socket inodes from {@code /proc/PID/fd}, matched against the LISTEN rows of {@code /proc/net/tcp}
 * and {@code tcp6}.
 */
final class ListeningSockets {
  private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");
  private static final String LISTEN = "0A";

  /** A listening address: IPv4 or IPv6 in /proc's hex, decoded, and its port. */
  record Listener(String address, int port) {
    boolean isLoopback() {
      return address.equals("127.0.0.1")
          || address.equals("::1")
          || address.equals("::ffff:127.0.0.1");
    }
  }

  private ListeningSockets() {}

  static List<Listener> of(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          Matcher m = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
          if (m.matches()) {
            inodes.add(m.group(1));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor went away while listed
        }
      }
    }
    List<Listener> out = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      List<String> rows = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table));
      for (String row : rows.subList(1, rows.size())) {
        String[] f = row.trim().split("\\s+");
        if (f[3].equals(LISTEN) && inodes.contains(f[9])) {
          String[] local = f[1].split(":");
          out.add(new Listener(decode(local[0]), Integer.parseInt(local[1], 16)));
        }
      }
    }
    return out;
  }

  /** /proc writes each 32-bit word of an address in host (little-endian) order. */
  private static String decode(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        bytes[word * 4 + b] =
            (byte)
                Integer.parseInt(
                    hex.substring(word * 8 + (3 - b) * 2, word * 8 + (3 - b) * 2 + 2), 16);
      }
    }
    if (bytes.length == 4) {
      return (bytes[0] & 0xff)
          + "."
          + (bytes[1] & 0xff)
          + "."
          + (bytes[2] & 0xff)
          + "."
          + (bytes[3] & 0xff);
    }
    boolean mapped = true;
    for (int i = 0; i < 10; i++) {
      mapped &= bytes[i] == 0;
    }
    mapped &= bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    if (mapped) {
      return "::ffff:"
          + (bytes[12] & 0xff)
          + "."
          + (bytes[13] & 0xff)
          + "."
          + (bytes[14] & 0xff)
          + "."
          + (bytes[15] & 0xff);
    }
    boolean loopback = true;
    for (int i = 0; i < 15; i++) {
      loopback &= bytes[i] == 0;
    }
    if (loopback && bytes[15] == 1) {
      return "::1";
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 16; i += 2) {
      s.append(i == 0 ? "" : ":")
          .append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
    }
    return s.toString();
  }
}
