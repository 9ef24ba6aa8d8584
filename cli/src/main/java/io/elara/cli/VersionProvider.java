package io.elara.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** {@code elara --version}: the build's version and the Java it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {versionLine()};
    }

    /** {@code elara 0.1.0 (Java 17.0.15, Linux amd64)}. */
    public static String versionLine() {
        return "elara " + version() + " (Java " + Runtime.version() + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ")";
    }

    /** {@code 0.1.0}, or {@code unknown} outside a built jar. */
    public static String version() {
        return property("version");
    }

    /**
     * The build's date, {@code 2026-01-01}: its fixed output timestamp, so that the same jar always prints the same
     * manual page; {@code unknown} outside a built jar.
     */
    public static String date() {
        String timestamp = property("date");
        return timestamp.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}.*") ? timestamp.substring(0, 10) : "unknown";
    }

    private static String property(String name) {
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty(name, "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
