package dev.dnsd.server;

import java.util.List;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * picocli's help, with flags shown as {@code --listen HOST:PORT} rather than {@code
 * --listen=HOST:PORT}, as README and the usage lines write them; both forms are accepted.
 */
final class HelpLayout extends Help {
  HelpLayout(CommandSpec spec, ColorScheme scheme) {
    super(spec, scheme);
  }

  @Override
  public IParamLabelRenderer parameterLabelRenderer() {
    IParamLabelRenderer standard = super.parameterLabelRenderer();
    return new IParamLabelRenderer() {
      @Override
      public Ansi.Text renderParameterLabel(ArgSpec arg, Ansi ansi, List<Ansi.IStyle> styles) {
        String label = standard.renderParameterLabel(arg, ansi, styles).plainString();
        String sep = standard.separator();
        return ansi.new Text(label.startsWith(sep) ? " " + label.substring(sep.length()) : label, colorScheme());
      }

      @Override
      public String separator() {
        return " ";
      }
    };
  }
}
