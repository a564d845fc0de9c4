package io.kalmstream.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {

  @Test
  void splitsSortedLengthsWhereThePaddingIsLeast() {
    int[] lengths = {50, 10, 12, 48, 11, 52};
    List<int[]> groups = LengthBuckets.split(lengths, 2);
    assertEquals(2, groups.size());
    assertArrayEquals(new int[] {1, 4, 2}, groups.get(0));
    assertArrayEquals(new int[] {3, 0, 5}, groups.get(1));
  }

  @Test
  void everyRowOnceAndTheInverseRestoresTheOrder() {
    int[] lengths = {7, 3, 9, 3, 1, 8, 2};
    for (List<int[]> groups :
        List.of(
            LengthBuckets.split(lengths, 3),
            LengthBuckets.chunks(lengths, 2),
            LengthBuckets.split(lengths, 1),
            LengthBuckets.split(lengths, 20))) {
      int[] laidOut = groups.stream().flatMapToInt(Arrays::stream).toArray();
      assertEquals(lengths.length, laidOut.length);
      long[] inverse = LengthBuckets.inverse(groups, lengths.length);
      for (int row = 0; row < lengths.length; row++) {
        assertEquals(row, laidOut[(int) inverse[row]]);
      }
    }
  }
}
