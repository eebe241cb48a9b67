package io.pier.node.envd.filesystem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderParametersTest {
  @Test
  void aMediaTypeAndItsBoundary() {
    Map<String, String> p =
        HeaderParameters.of("Multipart/Form-Data; boundary=----formdata-undici-0123456789");
    assertEquals("multipart/form-data", p.get(HeaderParameters.TYPE));
    assertEquals("----formdata-undici-0123456789", p.get("boundary"));
  }

  @Test
  void quotedValuesWithEscapesSemicolonsAndUtf8() {
    Map<String, String> p =
        HeaderParameters.of(
            "form-data; name=\"file\"; filename=\"/home/user/a; \\\"q\\\" \u00e9.txt\"; x=1");
    assertEquals("form-data", p.get(HeaderParameters.TYPE));
    assertEquals("file", p.get("name"));
    assertEquals("/home/user/a; \"q\" \u00e9.txt", p.get("filename"));
    assertEquals("1", p.get("x"));
  }

  @Test
  void theFirstOfARepeatedNameCountsAndBrokenParametersAreSkipped() {
    Map<String, String> p = HeaderParameters.of("form-data; junk; name=a; NAME=b; filename=\"open");
    assertEquals("a", p.get("name"));
    assertEquals("open", p.get("filename"));
    assertNull(p.get("junk"));
  }
}
