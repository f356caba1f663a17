package dev.diskfleet.nbd;

import static dev.diskfleet.nbd.ExportedChain.MIB;
import static dev.diskfleet.nbd.ExportedChain.SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage adapter behind an export: what BLOCK_STATUS reports, and zeroing without storing data. */
class ChainDeviceTest {

    @TempDir
    Path root;

    /** The VDI fixture in 1 MiB units: which layer holds what is spelled out in {@link ExportedChain}. */
    @Test
    void allocationReportsDataWhereAnyLayerStoresItAndZeroRecordsAsHoles() {
        try (ExportedChain chain = new ExportedChain(root, "vdi")) {
            ChainDevice device = new ChainDevice(chain.chain(), false);

            assertThat(device.allocation(0, SIZE, 100)).containsExactly(
                    Extent.data(4 * MIB),
                    Extent.zeroHole(3 * MIB), // base lacks 4-6; the top's zero record masks the base at 6
                    Extent.data(MIB),
                    Extent.zeroHole(2 * MIB),
                    Extent.data(MIB),
                    Extent.zeroHole(MIB),
                    Extent.data(2 * MIB),
                    Extent.zeroHole(SIZE - 14 * MIB));
            assertThat(device.allocation(4096, 8192, 1)).containsExactly(Extent.data(8192));
            assertThat(device.allocation(0, SIZE, 2)).hasSize(2);
        }
    }

    @Test
    void writeZeroesStoresNoDataForWholeUnitsAndZeroesPartialOnes() throws Exception {
        try (ExportedChain chain = new ExportedChain(root, "vdi")) {
            ChainDevice device = new ChainDevice(chain.chain(), true);
            long topBytes = Files.size(chain.file(chain.top));

            device.writeZeroes(12 * MIB, 2 * MIB);
            device.flush();
            assertThat(Files.size(chain.file(chain.top))).as("no data block for whole zero units").isEqualTo(topBytes);
            device.writeZeroes(100, 100);

            // Unit 12 is data in the top already: its zeros are stored in place (no driver can release a
            // unit). Unit 13 came from the middle layer: a zero record now masks it.
            assertThat(device.allocation(11 * MIB, SIZE - 11 * MIB, 10)).containsExactly(
                    Extent.zeroHole(MIB), Extent.data(MIB), Extent.zeroHole(SIZE - 13 * MIB));
            byte[] expected = Arrays.copyOf(chain.expected, MIB);
            Arrays.fill(expected, 100, 200, (byte) 0);
            ByteBuffer first = ByteBuffer.allocate(MIB);
            device.read(0, first);
            assertThat(first.array()).isEqualTo(expected);
            assertThat(chain.readThroughStore(12 * MIB, 2 * MIB)).isEqualTo(new byte[2 * MIB]);
        }
    }
}
