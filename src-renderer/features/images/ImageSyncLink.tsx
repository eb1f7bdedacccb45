import { useAppStore } from '../../store';
import { parseImageRef } from '../../../src-shared/base/image-ref';

/** From a pod or Deployment to its image's row in the sync matrix; said loudly when the pod cannot pull it. */
export function ImageSyncLink({ image, pullError }: { image: string; pullError?: boolean }) {
  const showImage = useAppStore((s) => s.showImage);
  const ref = parseImageRef(image);
  if (!ref) return null;
  return (
    <button
      type="button"
      className={`btn btn--link img-sync-link${pullError ? ' text-bad' : ''}`}
      data-testid="image-sync-link"
      data-pull-error={pullError || undefined}
      title={`Is ${ref.repository}${ref.tag ? `:${ref.tag}` : ''} in every region's registry?`}
      onClick={() => showImage(ref.repository, ref.tag)}
    >
      {pullError ? 'cannot pull: check image sync →' : 'image sync →'}
    </button>
  );
}
