package io.kalmstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safetensors reading (F32, F16, BF16 converted in Java), sharded checkpoints, and writing. */
class CheckpointFormatTest {

  @TempDir Path dir;

  @Test
  void readsF32F16AndBf16FromShardedCheckpoint() throws Exception {
    // bf16 bits are the upper half of the float32: 1.5, -2, 3.140625, 0
    short[] bf16 = {(short) 0x3FC0, (short) 0xC000, (short) 0x4049, 0};
    // float16: 0.5, -1, 65504 (the largest finite half)
    short[] f16 = {(short) 0x3800, (short) 0xBC00, (short) 0x7BFF};
    writeRaw(dir.resolve("model-00001-of-00002.safetensors"), "a", "BF16", "[2,2]", shorts(bf16));
    writeRaw(dir.resolve("model-00002-of-00002.safetensors"), "b", "F16", "[3]", shorts(f16));
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\":{},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\","
            + "\"b\":\"model-00002-of-00002.safetensors\"}}");
    HfCheckpoint checkpoint = HfCheckpoint.open(dir);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = checkpoint.load("a", manager, DataType.FLOAT32);
      assertEquals(new Shape(2, 2), a.getShape());
      assertArrayEquals(new float[] {1.5f, -2f, 3.140625f, 0f}, a.toFloatArray());
      NDArray b = checkpoint.load("b", manager, DataType.FLOAT32);
      assertArrayEquals(new float[] {0.5f, -1f, 65504f}, b.toFloatArray());
      NDArray aHalf = checkpoint.load("a", manager, DataType.FLOAT16);
      assertEquals(DataType.FLOAT16, aHalf.getDataType());
      assertArrayEquals(
          new float[] {1.5f, -2f, 3.140625f, 0f},
          aHalf.toType(DataType.FLOAT32, false).toFloatArray());
      IllegalArgumentException missing =
          assertThrows(
              IllegalArgumentException.class,
              () -> checkpoint.load("c", manager, DataType.FLOAT32));
      assertTrue(missing.getMessage().contains("'c'"));
    }
  }

  @Test
  void writtenFileRoundTripsWithSortedPaddedHeader() throws Exception {
    Path file = dir.resolve("adapter_model.safetensors");
    try (NDManager manager = NDManager.newBaseManager()) {
      Safetensors.write(
          file,
          Map.of(
              "z.weight", manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)),
              "a.weight", manager.create(new float[] {-1}, new Shape(1))));
      byte[] bytes = Files.readAllBytes(file);
      long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertEquals(0, headerLength % 8);
      assertEquals(8 + headerLength + 7 * 4, bytes.length);
      String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
      assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"a.weight\""), header);
      Safetensors.Header parsed = Safetensors.readHeader(file);
      assertArrayEquals(
          new float[] {1, 2, 3, 4, 5, 6},
          Safetensors.load(parsed, "z.weight", manager, DataType.FLOAT32).toFloatArray());
      assertEquals("F32", parsed.tensors().get("a.weight").dtype());
    }
  }

  @Test
  void rejectsUnsupportedDtypeAndMissingWeights() throws Exception {
    writeRaw(dir.resolve("model.safetensors"), "i", "I64", "[1]", new byte[8]);
    try (NDManager manager = NDManager.newBaseManager()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> HfCheckpoint.open(dir).load("i", manager, DataType.FLOAT32));
      assertTrue(e.getMessage().contains("I64"));
    }
    assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.open(dir.resolve("nowhere")));
  }

  private static byte[] shorts(short[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short v : values) {
      b.putShort(v);
    }
    return b.array();
  }

  /**
   * A one-tensor safetensors file written byte by byte, independent of {@link Safetensors#write}.
   */
  private static void writeRaw(Path file, String name, String dtype, String shape, byte[] data)
      throws Exception {
    String header =
        "{\""
            + name
            + "\":{\"dtype\":\""
            + dtype
            + "\",\"shape\":"
            + shape
            + ",\"data_offsets\":[0,"
            + data.length
            + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
    out.write(h);
    out.write(data);
    Files.write(file, out.toByteArray());
  }
}
