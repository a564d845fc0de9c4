package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format directly: an 8-byte little-endian header length, a JSON
 * header (dtype, shape, data_offsets per tensor), then raw little-endian tensor bytes.
 *
 * <p>Reading converts on the Java side: BF16 is widened to F32 by shifting its 16 bits left,
 * because DJL's PyTorch JNI aborts the JVM on any BFLOAT16 array. F16 and F32 are handed to the
 * engine as they are and cast to the requested type there.
 */
public final class Safetensors {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METADATA = "__metadata__";

  /**
   * The reference implementation's limit: a header is a table of names and offsets, never this
   * large.
   */
  private static final long MAX_HEADER_BYTES = 100L << 20;

  private static final Map<String, Integer> DTYPE_BYTES =
      Map.ofEntries(
          Map.entry("F64", 8),
          Map.entry("F32", 4),
          Map.entry("F16", 2),
          Map.entry("BF16", 2),
          Map.entry("I64", 8),
          Map.entry("I32", 4),
          Map.entry("I16", 2),
          Map.entry("I8", 1),
          Map.entry("U8", 1),
          Map.entry("BOOL", 1));

  private Safetensors() {}

  /** Where a tensor lives inside a file. */
  public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {}

  /** The tensor table of one file, and where its data section starts. */
  public record Header(Path file, long dataStart, Map<String, TensorInfo> tensors) {}

  public static Header readHeader(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, len, 0);
      long headerLength = len.flip().getLong();
      if (headerLength <= 0 || headerLength > ch.size() - 8 || headerLength > MAX_HEADER_BYTES) {
        throw new IllegalArgumentException(
            file
                + " is not a safetensors file: header length "
                + headerLength
                + " in a file of "
                + ch.size()
                + " bytes");
      }
      ByteBuffer json = ByteBuffer.allocate((int) headerLength);
      readFully(ch, json, 8);
      JsonNode root = JSON.readTree(new String(json.array(), StandardCharsets.UTF_8));
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals(METADATA)) {
          continue;
        }
        JsonNode t = e.getValue();
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = t.get("shape").get(i).asLong();
        }
        JsonNode off = t.get("data_offsets");
        TensorInfo info =
            new TensorInfo(
                e.getKey(),
                t.get("dtype").asText(),
                shape,
                off.get(0).asLong(),
                off.get(1).asLong());
        checkExtent(file, info, ch.size() - 8 - headerLength);
        tensors.put(e.getKey(), info);
      }
      return new Header(file, 8 + headerLength, tensors);
    } catch (NullPointerException | ArithmeticException e) {
      throw new IllegalArgumentException(
          file + " has a malformed safetensors header: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read safetensors header of " + file, e);
    }
  }

  /**
   * A tensor's declared bytes must be exactly what its dtype and shape need and lie inside the data
   * section, so a small file cannot make a reader allocate what its header claims.
   */
  private static void checkExtent(Path file, TensorInfo t, long dataBytes) {
    Integer width = DTYPE_BYTES.get(t.dtype());
    if (width == null) {
      throw new IllegalArgumentException(
          file + ": tensor " + t.name() + " has unknown dtype " + t.dtype());
    }
    long elements = 1;
    for (long d : t.shape()) {
      if (d < 0) {
        throw new IllegalArgumentException(
            file + ": tensor " + t.name() + " has a negative dimension");
      }
      elements = Math.multiplyExact(elements, d);
    }
    long expected = Math.multiplyExact(elements, width);
    if (t.begin() < 0
        || t.end() < t.begin()
        || t.end() > dataBytes
        || t.end() - t.begin() != expected) {
      throw new IllegalArgumentException(
          file
              + ": tensor "
              + t.name()
              + " declares bytes ["
              + t.begin()
              + ", "
              + t.end()
              + ") but its shape needs "
              + expected
              + " and the data section holds "
              + dataBytes);
    }
  }

  /**
   * Loads one tensor as an array of {@code target} type (FLOAT32 or FLOAT16) owned by {@code
   * manager} and placed on the manager's device.
   */
  public static NDArray load(Header header, String name, NDManager manager, DataType target) {
    TensorInfo info = header.tensors().get(name);
    if (info == null) {
      throw new IllegalArgumentException(header.file() + " has no tensor " + name);
    }
    ByteBuffer raw = readBytes(header, info);
    Shape shape = new Shape(info.shape());
    NDArray loaded;
    switch (info.dtype()) {
      case "F32":
        loaded = manager.create(raw, shape, DataType.FLOAT32);
        break;
      case "F16":
        loaded = manager.create(raw, shape, DataType.FLOAT16);
        break;
      case "BF16":
        loaded = manager.create(bf16ToF32(raw), shape, DataType.FLOAT32);
        break;
      default:
        throw new IllegalArgumentException(
            header.file()
                + ": tensor "
                + name
                + " has dtype "
                + info.dtype()
                + " (supported: F32, F16, BF16)");
    }
    if (loaded.getDataType() == target) {
      return loaded;
    }
    NDArray cast = loaded.toType(target, false);
    loaded.close();
    return cast;
  }

  /** Widens bfloat16 (the upper half of a float32) to float32 bits. */
  static ByteBuffer bf16ToF32(ByteBuffer bf16) {
    int n = bf16.remaining() / 2;
    ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      int bits = bf16.getShort() & 0xFFFF;
      out.putInt(bits << 16);
    }
    return out.flip();
  }

  private static ByteBuffer readBytes(Header header, TensorInfo info) {
    long length = info.end() - info.begin();
    if (length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          info.name() + " is larger than 2 GiB, which a single buffer cannot hold");
    }
    try (FileChannel ch = FileChannel.open(header.file(), StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocateDirect((int) length).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, buf, header.dataStart() + info.begin());
      return buf.flip();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read tensor " + info.name() + " from " + header.file(), e);
    }
  }

  /** The array's values as little-endian float32 bytes, copied off the engine. */
  private static byte[] float32Bytes(NDArray array) {
    if (array.getDataType() == DataType.FLOAT32) {
      return copy(array.toByteBuffer());
    }
    try (NDArray f32 = array.toType(DataType.FLOAT32, true)) {
      return copy(f32.toByteBuffer());
    }
  }

  private static byte[] copy(ByteBuffer buffer) {
    ByteBuffer le = buffer.duplicate().order(ByteOrder.nativeOrder());
    byte[] out = new byte[le.remaining()];
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      le.get(out);
    } else {
      ByteBuffer target = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
      while (le.hasRemaining()) {
        target.putFloat(le.getFloat());
      }
    }
    return out;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at " + pos);
      }
      pos += n;
    }
  }

  /**
   * Writes tensors as F32 in name order with {@code {"format":"pt"}} metadata, the layout that
   * {@code safetensors.torch.load_file} (and so PEFT) reads. The header is padded with spaces to a
   * multiple of 8 bytes, as the reference implementation does.
   */
  public static void write(Path file, Map<String, NDArray> tensors) {
    Map<String, NDArray> sorted = new TreeMap<>(tensors);
    ObjectNode header = JSON.createObjectNode();
    header.putObject(METADATA).put("format", "pt");
    List<byte[]> payloads = new ArrayList<>();
    long offset = 0;
    for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
      NDArray array = e.getValue();
      byte[] bytes = float32Bytes(array);
      payloads.add(bytes);
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      var shape = t.putArray("shape");
      for (long d : array.getShape().getShape()) {
        shape.add(d);
      }
      t.putArray("data_offsets").add(offset).add(offset + bytes.length);
      offset += bytes.length;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(head.array());
      for (byte[] p : payloads) {
        out.write(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
