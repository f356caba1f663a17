package dev.diskfleet.storage.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.NewImage;
import dev.diskfleet.storage.StorageLimits;
import dev.diskfleet.storage.UnitState;
import dev.diskfleet.storage.Variant;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A block map's memory follows the data an image holds, not its virtual size: an 8 TiB VDI with nothing
 * allocated and 16 differencing disks over it (what pinned 404 MB before) keep no page at all, and a write
 * keeps one 4 KiB page.
 */
class BlockMapMemoryTest {

    private static final long EIGHT_TIB = 8L << 40;

    @TempDir
    Path dir;

    @Test
    void anEmptyEightTebibyteImageAndSixteenDifferencingDisksOverItKeepNoPages() {
        VdiFormat vdi = new VdiFormat();
        List<ImageFile> open = new ArrayList<>();
        try {
            ImageFile base = vdi.create(dir.resolve("base.vdi"), NewImage.base(UUID.randomUUID(), EIGHT_TIB,
                    Variant.DYNAMIC));
            open.add(base);
            for (int i = 0; i < 16; i++) {
                open.add(vdi.create(dir.resolve("child-" + i + ".vdi"), NewImage.differencing(UUID.randomUUID(), base)));
            }
            long pageBytes = open.stream().mapToLong(file -> ((VdiImage) file).blockMap().pageBytes()).sum();
            assertThat(pageBytes).as("bytes of block-map pages kept for 17 empty 8 TiB images").isZero();

            ImageFile reopened = vdi.open(dir.resolve("child-3.vdi"), true, StorageLimits.DEFAULT);
            open.add(reopened);
            assertThat(((VdiImage) reopened).blockMap().pageBytes()).as("an empty 8 TiB image read back").isZero();
            assertThat(reopened.unitState(EIGHT_TIB / (1 << 20) - 1)).isEqualTo(UnitState.ABSENT);
        } finally {
            open.forEach(ImageFile::close);
        }
    }

    @Test
    void aWriteKeepsOnePageAndTheEntryReadsBackAfterReopening() throws Exception {
        VdiFormat vdi = new VdiFormat();
        Path file = dir.resolve("big.vdi");
        ImageFile image = vdi.create(file, NewImage.base(UUID.randomUUID(), EIGHT_TIB, Variant.DYNAMIC));
        long lastBlock = EIGHT_TIB / (1 << 20) - 1;
        try {
            ByteBuffer block = ByteBuffer.allocateDirect(1 << 20);
            block.put("the last block".getBytes()).clear();
            image.allocate(lastBlock, block);
            image.flush();
            assertThat(((VdiImage) image).blockMap().pageBytes()).isEqualTo(BlockMap.PAGE_ENTRIES * 4L);
        } finally {
            image.close();
        }
        assertThat(Files.size(file)).as("the file holds one data block beyond its map").isLessThan(40L << 20);
        ImageFile reopened = vdi.open(file, false, StorageLimits.DEFAULT);
        try {
            assertThat(reopened.unitState(lastBlock)).isEqualTo(UnitState.DATA);
            assertThat(reopened.unitState(lastBlock - 1)).isEqualTo(UnitState.ABSENT);
            ByteBuffer read = ByteBuffer.allocate(14);
            reopened.read(lastBlock << 20, read);
            assertThat(new String(read.array())).isEqualTo("the last block");
            assertThat(((VdiImage) reopened).blockMap().pageBytes()).isEqualTo(BlockMap.PAGE_ENTRIES * 4L);
        } finally {
            reopened.close();
        }
    }

    @Test
    void pagesThatAreAllZeroOrAllFreeAreNotKeptAndChangeCorrectly() {
        BlockMap map = BlockMap.allFree(3 * BlockMap.PAGE_ENTRIES + 5);
        for (int i = 0; i < BlockMap.PAGE_ENTRIES; i++) {
            map.set(BlockMap.PAGE_ENTRIES + i, BlockMap.ZERO);
        }
        map.set(3 * BlockMap.PAGE_ENTRIES + 4, 7);
        assertThat(map.get(0)).isEqualTo(BlockMap.FREE);
        assertThat(map.get(BlockMap.PAGE_ENTRIES + 9)).isEqualTo(BlockMap.ZERO);
        assertThat(map.get(3 * BlockMap.PAGE_ENTRIES + 4)).isEqualTo(7);
        assertThat(map.get(3 * BlockMap.PAGE_ENTRIES + 3)).isEqualTo(BlockMap.FREE);
        assertThat(map.referencedBlocks()).isEqualTo(8);
        map.clear();
        assertThat(map.pageBytes()).isZero();
        assertThat(map.get(BlockMap.PAGE_ENTRIES + 9)).isEqualTo(BlockMap.FREE);
    }
}
