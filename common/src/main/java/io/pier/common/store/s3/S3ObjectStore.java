package io.pier.common.store.s3;

import io.pier.common.store.ObjectStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@link ObjectStore} over the S3 API with the AWS SDK v2: AWS S3, MinIO or the embedded server. */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
  private static final int DELETE_BATCH = 1000;

  private final S3Client s3;
  private final String bucket;

  public S3ObjectStore(S3Config config) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(config.region()))
            .httpClient(UrlConnectionHttpClient.create())
            // S3-compatible servers do not all speak the newer default checksums.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .credentialsProvider(
                config.accessKey() == null
                    ? DefaultCredentialsProvider.builder().build()
                    : StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(config.accessKey(), config.secretKey())));
    if (config.endpoint() != null) builder.endpointOverride(config.endpoint()).forcePathStyle(true);
    this.s3 = builder.build();
    this.bucket = config.bucket();
  }

  @Override
  public void ensureBucket() {
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException e) {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (S3Exception e) {
      if (e.statusCode() != 404) throw e;
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  @Override
  public void put(String key, byte[] content) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
  }

  @Override
  public void putFile(String key, Path file) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
  }

  @Override
  public void putStream(String key, long length, Supplier<InputStream> content) {
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(key).contentLength(length),
          RequestBody.fromContentProvider(content::get, length, "application/octet-stream"));
    } catch (S3Exception e) {
      // 4xx but for throttling, timeouts and credentials: this key or content will never be taken.
      int status = e.statusCode();
      if (status >= 400 && status < 500 && status != 403 && status != 408 && status != 429) {
        throw new Refused("storage refused " + key + ": " + e.getMessage(), e);
      }
      throw e;
    }
  }

  @Override
  public Optional<byte[]> get(String key) {
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<InputStream> openStream(String key) {
    try {
      return Optional.of(s3.getObject(b -> b.bucket(bucket).key(key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    List<ObjectInfo> found = new ArrayList<>();
    listEach(prefix, found::add);
    return found;
  }

  @Override
  public void listEach(String prefix, Consumer<ObjectInfo> each) {
    // The paginator fetches the next page only once this one has been handed out.
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
      each.accept(
          new ObjectInfo(o.key(), o.size(), o.eTag() == null ? null : o.eTag().replace("\"", "")));
    }
  }

  @Override
  public List<String> listFolders(String prefix) {
    List<String> folders = new ArrayList<>();
    for (var page :
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).delimiter("/"))) {
      page.commonPrefixes().forEach(p -> folders.add(p.prefix()));
    }
    return folders;
  }

  @Override
  public void copy(String fromKey, String toKey) {
    s3.copyObject(
        b ->
            b.sourceBucket(bucket)
                .sourceKey(fromKey)
                .destinationBucket(bucket)
                .destinationKey(toKey));
  }

  @Override
  public void delete(String key) {
    s3.deleteObject(b -> b.bucket(bucket).key(key));
  }

  @Override
  public int deletePrefix(String prefix) {
    List<ObjectInfo> objects = list(prefix);
    for (int i = 0; i < objects.size(); i += DELETE_BATCH) {
      List<ObjectIdentifier> batch =
          objects.subList(i, Math.min(objects.size(), i + DELETE_BATCH)).stream()
              .map(o -> ObjectIdentifier.builder().key(o.key()).build())
              .toList();
      s3.deleteObjects(
          b -> b.bucket(bucket).delete(Delete.builder().objects(batch).quiet(true).build()));
    }
    return objects.size();
  }

  @Override
  public void close() {
    s3.close();
  }
}
