package io.kalmstream.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * SASL/PLAIN over TLS for the embedded runtime: a self-signed certificate for 127.0.0.1 and
 * localhost made with the JDK's keytool, a trust store holding it, and one client user with a
 * random password. The broker then has no plaintext listener (its controller listener speaks SASL
 * over TLS too), and the registry is reached through an HTTPS front that asks for basic
 * authentication. Everything lives under one directory and is made once, so a restarted runtime
 * keeps its credentials.
 */
public final class EmbeddedSecurity {
  public static final String USER = "kalm";
  private static final String BROKER_USER = "broker";
  private static final String ALIAS = "kalm-embedded";

  private final Path keystore;
  private final Path truststore;
  private final String storePassword;
  private final String userPassword;
  private final String brokerPassword;

  private EmbeddedSecurity(Path dir, Map<String, String> secrets) {
    this.keystore = dir.resolve("broker.p12");
    this.truststore = dir.resolve("truststore.p12");
    this.storePassword = secrets.get("store");
    this.userPassword = secrets.get("user");
    this.brokerPassword = secrets.get("broker");
  }

  /** The certificates and passwords under {@code dir}, generated on first use. */
  public static EmbeddedSecurity in(Path dir) {
    try {
      Files.createDirectories(dir);
      Path secretsFile = dir.resolve("secrets.properties");
      if (!Files.isRegularFile(secretsFile)
          || !Files.isRegularFile(dir.resolve("truststore.p12"))) {
        Map<String, String> secrets =
            Map.of("store", randomSecret(), "user", randomSecret(), "broker", randomSecret());
        generateStores(dir, secrets.get("store"));
        java.util.Properties p = new java.util.Properties();
        p.putAll(secrets);
        try (var out = Files.newOutputStream(secretsFile)) {
          p.store(out, "embedded runtime credentials; delete the directory to make new ones");
        }
      }
      java.util.Properties p = new java.util.Properties();
      try (var in = Files.newInputStream(secretsFile)) {
        p.load(in);
      }
      return new EmbeddedSecurity(
          dir,
          Map.of(
              "store",
              p.getProperty("store"),
              "user",
              p.getProperty("user"),
              "broker",
              p.getProperty("broker")));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot set up the embedded runtime's certificates in " + dir, e);
    }
  }

  /**
   * Broker settings: SASL_SSL on the client port and on the controller port, no plaintext listener.
   */
  Map<String, String> brokerConfig(int brokerPort, int controllerPort, String controllerListener) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(
        "listeners",
        "SASL_SSL://127.0.0.1:"
            + brokerPort
            + ","
            + controllerListener
            + "://127.0.0.1:"
            + controllerPort);
    c.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + brokerPort);
    c.put(
        "listener.security.protocol.map", "SASL_SSL:SASL_SSL," + controllerListener + ":SASL_SSL");
    c.put("inter.broker.listener.name", "SASL_SSL");
    c.put("sasl.enabled.mechanisms", "PLAIN");
    c.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    c.put("sasl.mechanism.controller.protocol", "PLAIN");
    String jaas =
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + BROKER_USER
            + "\" password=\""
            + brokerPassword
            + "\" user_"
            + BROKER_USER
            + "=\""
            + brokerPassword
            + "\" user_"
            + USER
            + "=\""
            + userPassword
            + "\";";
    c.put("listener.name.sasl_ssl.plain.sasl.jaas.config", jaas);
    c.put(
        "listener.name."
            + controllerListener.toLowerCase(java.util.Locale.ROOT)
            + ".plain.sasl.jaas.config",
        jaas);
    c.put(
        "listener.name."
            + controllerListener.toLowerCase(java.util.Locale.ROOT)
            + ".sasl.enabled.mechanisms",
        "PLAIN");
    c.put("ssl.keystore.location", keystore.toString());
    c.put("ssl.keystore.password", storePassword);
    c.put("ssl.key.password", storePassword);
    c.put("ssl.keystore.type", "PKCS12");
    c.put("ssl.truststore.location", truststore.toString());
    c.put("ssl.truststore.password", storePassword);
    c.put("ssl.truststore.type", "PKCS12");
    return c;
  }

  /** What a client of the broker needs, with the embedded user's password. */
  public Map<String, String> clientProperties() {
    return clientProperties(USER, userPassword);
  }

  /** The same with other credentials, for example a wrong password in a test. */
  public Map<String, String> clientProperties(String user, String password) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("security.protocol", "SASL_SSL");
    c.put("sasl.mechanism", "PLAIN");
    c.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
    c.put("ssl.truststore.location", truststore.toString());
    c.put("ssl.truststore.password", storePassword);
    c.put("ssl.truststore.type", "PKCS12");
    return c;
  }

  /** {@code user:password} of the registry front. */
  public String registryUserInfo() {
    return USER + ":" + userPassword;
  }

  public Path truststore() {
    return truststore;
  }

  public String truststorePassword() {
    return storePassword;
  }

  Path keystore() {
    return keystore;
  }

  String keystorePassword() {
    return storePassword;
  }

  private static void generateStores(Path dir, String password) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path keystore = dir.resolve("broker.p12");
    Path truststore = dir.resolve("truststore.p12");
    Path cert = dir.resolve("broker.crt");
    Files.deleteIfExists(keystore);
    Files.deleteIfExists(truststore);
    keytool(
        keytool,
        "-genkeypair",
        "-alias",
        ALIAS,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "3650",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        password,
        "-keypass",
        password);
    keytool(
        keytool,
        "-exportcert",
        "-alias",
        ALIAS,
        "-keystore",
        keystore.toString(),
        "-storepass",
        password,
        "-rfc",
        "-file",
        cert.toString());
    keytool(
        keytool,
        "-importcert",
        "-noprompt",
        "-alias",
        ALIAS,
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        truststore.toString(),
        "-storepass",
        password);
  }

  private static void keytool(Path keytool, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output =
          new String(
              process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool " + args[0] + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running keytool", e);
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
