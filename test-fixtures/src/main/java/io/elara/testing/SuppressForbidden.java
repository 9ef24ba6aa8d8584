package io.elara.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets a test use an API the forbidden-API check rejects, such as the JDK's own HTTP server ({@code
 * com.sun.net.httpserver}, a supported, exported JDK module the check lists as non-portable). Say why in {@link
 * #reason}.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface SuppressForbidden {
    String reason();
}
