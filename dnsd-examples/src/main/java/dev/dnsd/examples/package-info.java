/** Small programs that show how to embed dnsd in an application. */
@NullMarked
package dev.dnsd.examples;

import org.jspecify.annotations.NullMarked;
