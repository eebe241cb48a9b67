package io.pier.common.store.s3;

import io.pier.common.store.StorageKeys;
import java.io.InputStream;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Refuses object keys with {@code .} or {@code ..} segments (a backslash counts as a separator) before the
 * filesystem blob store turns them into paths, where they would climb out of the object's folder into other
 * users' files. Answers 400 InvalidArgument.
 */
final class DotSegmentGuard extends ForwardingBlobStore {
  DotSegmentGuard(BlobStore delegate) {
    super(delegate);
  }

  private static String checked(String key) {
    if (key != null && StorageKeys.hasDotSegment(key)) {
      throw S3Exceptions.invalidArgument(
          "object keys with '.' or '..' segments are refused: " + key);
    }
    return key;
  }

  @Override
  public boolean blobExists(String container, String name) {
    return super.blobExists(container, checked(name));
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
    checked(request.key());
    return super.putBlob(request, content);
  }

  @Override
  public CopyObjectResponse copyBlob(CopyObjectRequest request) {
    checked(request.sourceKey());
    checked(request.destinationKey());
    return super.copyBlob(request);
  }

  @Override
  public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
    checked(request.key());
    return super.blobMetadata(request);
  }

  @Override
  public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
    checked(request.key());
    return super.getBlob(request);
  }

  @Override
  public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
    checked(request.key());
    return super.removeBlob(request);
  }

  @Override
  public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
    checked(request.key());
    return super.initiateMultipartUpload(request);
  }
}
