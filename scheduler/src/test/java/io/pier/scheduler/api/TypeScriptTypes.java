package io.pier.scheduler.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes the OpenAPI document's schemas as TypeScript declarations, for the web client (web/src/ui/lib/api-types.ts):
 * one interface or type per schema of {@code components.schemas}, in the document's order.
 */
final class TypeScriptTypes {
  private TypeScriptTypes() {}

  static String of(JsonObject document) {
    StringBuilder out = new StringBuilder();
    out.append(
            "// Generated from common/src/main/resources/openapi.yaml by ApiTypesTest: do not edit.\n")
        .append("// After changing the document: mvn -pl scheduler -am test -Dtest=ApiTypesTest")
        .append(" -Dpier.writeApiTypes=true\n");
    JsonObject schemas = document.getJsonObject("components").getJsonObject("schemas");
    for (String name : schemas.fieldNames()) {
      JsonObject schema = schemas.getJsonObject(name);
      out.append('\n');
      comment(out, schema.getString("description"), "");
      if (schema.containsKey("properties")) {
        out.append("export interface ").append(name).append(" {\n");
        members(out, schema, "  ");
        out.append("}\n");
      } else {
        out.append("export type ").append(name).append(" = ").append(type(schema)).append(";\n");
      }
    }
    return out.toString();
  }

  private static void members(StringBuilder out, JsonObject schema, String indent) {
    JsonObject properties = schema.getJsonObject("properties");
    Set<Object> required = Set.copyOf(schema.getJsonArray("required", new JsonArray()).getList());
    for (String property : properties.fieldNames()) {
      JsonObject each = properties.getJsonObject(property);
      comment(out, each.getString("description"), indent);
      out.append(indent)
          .append(property)
          .append(required.contains(property) ? ": " : "?: ")
          .append(type(each))
          .append(";\n");
    }
    Object additional = schema.getValue("additionalProperties");
    if (additional instanceof JsonObject values) {
      out.append(indent).append("[key: string]: ").append(type(values)).append(";\n");
    }
  }

  static String type(JsonObject schema) {
    if (schema.containsKey("$ref")) {
      String ref = schema.getString("$ref");
      return ref.substring(ref.lastIndexOf('/') + 1);
    }
    if (schema.containsKey("oneOf")) return union(schema.getJsonArray("oneOf"), " | ");
    if (schema.containsKey("allOf")) return union(schema.getJsonArray("allOf"), " & ");
    if (schema.containsKey("enum")) {
      List<String> values = new ArrayList<>();
      for (Object value : schema.getJsonArray("enum")) values.add("'" + value + "'");
      return String.join(" | ", values);
    }
    Object type = schema.getValue("type");
    if (type instanceof JsonArray several) {
      List<String> types = new ArrayList<>();
      for (Object one : several) types.add(type(schema.copy().put("type", one)));
      return String.join(" | ", types);
    }
    if (type == null) return "unknown";
    return switch ((String) type) {
      case "string" -> "string";
      case "integer", "number" -> "number";
      case "boolean" -> "boolean";
      case "null" -> "null";
      case "array" -> {
        String items = type(schema.getJsonObject("items", new JsonObject()));
        yield items.contains(" ") ? "Array<" + items + ">" : items + "[]";
      }
      case "object" -> object(schema);
      default -> "unknown";
    };
  }

  private static String object(JsonObject schema) {
    if (schema.containsKey("properties")) {
      StringBuilder inline = new StringBuilder("{\n");
      members(inline, schema, "  ");
      return inline.append("}").toString();
    }
    Object additional = schema.getValue("additionalProperties");
    if (additional instanceof JsonObject values) return "Record<string, " + type(values) + ">";
    return "Record<string, unknown>";
  }

  private static String union(JsonArray schemas, String separator) {
    List<String> types = new ArrayList<>();
    for (Object one : schemas) types.add(type((JsonObject) one));
    return String.join(separator, types);
  }

  private static void comment(StringBuilder out, String description, String indent) {
    if (description != null)
      out.append(indent).append("/** ").append(description.strip()).append(" */\n");
  }
}
