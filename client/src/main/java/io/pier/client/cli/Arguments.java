package io.pier.client.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One command's arguments: positionals, options ({@code --name value} or {@code --name=value}, repeatable), flags,
 * and everything after {@code --} untouched. Options a command does not know are usage errors.
 */
final class Arguments {
  private final List<String> positionals = new ArrayList<>();
  private final Map<String, List<String>> options = new LinkedHashMap<>();
  private final List<String> rest = new ArrayList<>();
  private boolean dashDash;

  private Arguments() {}

  /**
   * @param valued options that take a value
   * @param flags options that do not
   */
  static Arguments parse(List<String> args, Set<String> valued, Set<String> flags) {
    Arguments parsed = new Arguments();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (parsed.dashDash) parsed.rest.add(arg);
      else if (arg.equals("--")) parsed.dashDash = true;
      else if (arg.startsWith("--") || (arg.startsWith("-") && arg.length() > 1)) {
        int equals = arg.indexOf('=');
        String name = equals < 0 ? arg : arg.substring(0, equals);
        if (flags.contains(name)) {
          if (equals >= 0) throw new UsageError(name + " takes no value");
          parsed.options.computeIfAbsent(name, n -> new ArrayList<>()).add("true");
        } else if (valued.contains(name)) {
          String value;
          if (equals >= 0) value = arg.substring(equals + 1);
          else if (i + 1 < args.size()) value = args.get(++i);
          else throw new UsageError(name + " needs a value");
          parsed.options.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        } else throw new UsageError("unknown option " + name);
      } else parsed.positionals.add(arg);
    }
    return parsed;
  }

  /** The positional at {@code index}, named {@code what} in the error when it is missing. */
  String required(int index, String what) {
    if (index >= positionals.size()) throw new UsageError("missing " + what);
    return positionals.get(index);
  }

  String optional(int index) {
    return index < positionals.size() ? positionals.get(index) : null;
  }

  /** Refuses positionals past the first {@code count}. */
  Arguments atMost(int count) {
    if (positionals.size() > count)
      throw new UsageError("unexpected argument " + positionals.get(count));
    return this;
  }

  String option(String name) {
    List<String> values = options.get(name);
    if (values == null) return null;
    if (values.size() > 1) throw new UsageError(name + " given more than once");
    return values.get(0);
  }

  List<String> all(String name) {
    return options.getOrDefault(name, List.of());
  }

  boolean flag(String name) {
    return options.containsKey(name);
  }

  List<String> positionals() {
    return positionals;
  }

  /** What came after {@code --}. */
  List<String> rest() {
    return rest;
  }

  boolean hadDashDash() {
    return dashDash;
  }
}
