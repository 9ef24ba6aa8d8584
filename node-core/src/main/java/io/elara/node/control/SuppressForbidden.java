package io.elara.node.control;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets a driver class use an API the forbidden-API check rejects: the JDK's own HTTP server ({@code
 * com.sun.net.httpserver}), a supported API of the exported {@code jdk.httpserver} module that the check's bundled
 * list calls non-portable. Say why in {@link #reason}.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD})
@interface SuppressForbidden {
    String reason();
}
