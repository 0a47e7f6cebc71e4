/** The runnable server ({@code dnsd.jar}) and small programs that show how to embed dnsd. */
@NullMarked
package dev.dnsd.examples;

import org.jspecify.annotations.NullMarked;
