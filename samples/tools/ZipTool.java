// Deterministic zip writer for samples/build.sh (run as `java tools/ZipTool.java ...`, JDK 11+).
//
//   repack IN.zip OUT.zip          copy every entry in order, same compression method, but with a
//                                  fixed timestamp and no extra fields (apktool stamps build time)
//   create OUT.zip DIR NAME...     store DIR/NAME entries uncompressed, in the given order, with the
//                                  fixed timestamp (used for the .xapk container)
//
// Only the JDK is needed, so the build stays offline on a fresh Debian machine.
import java.io.*;
import java.nio.file.*;
import java.time.LocalDateTime;
import java.util.*;
import java.util.zip.*;

public class ZipTool {
    static final LocalDateTime FIXED_TIME = LocalDateTime.of(2025, 1, 1, 0, 0, 0);

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("repack")) {
            repack(Path.of(args[1]), Path.of(args[2]));
        } else if (args.length >= 4 && args[0].equals("create")) {
            create(Path.of(args[1]), Path.of(args[2]), Arrays.asList(args).subList(3, args.length));
        } else {
            System.err.println("usage: ZipTool repack IN OUT | create OUT DIR NAME...");
            System.exit(2);
        }
    }

    static ZipEntry entry(String name, int method, byte[] data) {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(FIXED_TIME);
        e.setMethod(method);
        if (method == ZipEntry.STORED) {
            CRC32 crc = new CRC32();
            crc.update(data);
            e.setSize(data.length);
            e.setCompressedSize(data.length);
            e.setCrc(crc.getValue());
        }
        return e;
    }

    static void repack(Path in, Path out) throws IOException {
        try (ZipFile zin = new ZipFile(in.toFile());
             ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Enumeration<? extends ZipEntry> it = zin.entries(); it.hasMoreElements(); ) {
                ZipEntry src = it.nextElement();
                byte[] data;
                try (InputStream is = zin.getInputStream(src)) {
                    data = is.readAllBytes();
                }
                zout.putNextEntry(entry(src.getName(), src.getMethod(), data));
                zout.write(data);
                zout.closeEntry();
            }
        }
    }

    static void create(Path out, Path dir, List<String> names) throws IOException {
        try (ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(out))) {
            for (String name : names) {
                byte[] data = Files.readAllBytes(dir.resolve(name));
                zout.putNextEntry(entry(name, ZipEntry.STORED, data));
                zout.write(data);
                zout.closeEntry();
            }
        }
    }
}
