import { getManifest, makeImage, type StoredManifest } from './content';

/** In-memory model of one sandbox Harbor: projects, repositories, artifacts, tags, users. */

export interface SandboxUser {
  /** A user name or a robot account `robot$name`. */
  name: string;
  password: string;
  /** System admin: every project and the replication APIs. */
  admin?: boolean;
  /** Projects this user may read (and push to). Public projects are readable by anyone. */
  projects?: string[];
}

export interface TagRec {
  id: number;
  name: string;
  pushTime: number;
}
export interface ArtifactRec {
  id: number;
  repositoryId: number;
  projectId: number;
  manifest: StoredManifest;
  pushTime: number;
  tags: TagRec[];
}
export interface RepoRec {
  id: number;
  projectId: number;
  /** Full name including the project: `library/app`. */
  name: string;
  creationTime: number;
  updateTime: number;
  artifacts: Map<string, ArtifactRec>;
  pullCount: number;
}
export interface ProjectRec {
  id: number;
  name: string;
  public: boolean;
  creationTime: number;
  repos: Map<string, RepoRec>;
}

export const iso = (ms: number) => new Date(ms).toISOString();

export class HarborState {
  readonly projects = new Map<string, ProjectRec>();
  private nextId = 1;
  constructor(readonly users: SandboxUser[]) {}

  id(): number {
    return this.nextId++;
  }

  ensureProject(name: string, isPublic = false): ProjectRec {
    let p = this.projects.get(name);
    if (!p) {
      p = { id: this.id(), name, public: isPublic, creationTime: Date.now(), repos: new Map() };
      this.projects.set(name, p);
    }
    return p;
  }

  findRepo(full: string): RepoRec | undefined {
    const project = this.projects.get(full.split('/')[0] ?? '');
    return project?.repos.get(full);
  }

  /**
   * Push `repository:tag` (repository includes its project). `content` is a seed (same seed, same
   * digest everywhere) or the digest of a manifest already stored in this process.
   * Moves the tag off any other artifact, as a registry does. Returns the artifact.
   */
  push(repository: string, tag: string, content?: string, pushTime = Date.now()): ArtifactRec {
    let manifest: StoredManifest | undefined;
    if (content?.startsWith('sha256:')) {
      manifest = getManifest(content);
      if (!manifest) throw new Error(`no manifest ${content} in the sandbox content store`);
    } else manifest = makeImage(content ?? `${repository}:${tag}`);
    const [projectName = 'library'] = repository.split('/');
    const project = this.ensureProject(projectName);
    let repo = project.repos.get(repository);
    if (!repo) {
      repo = {
        id: this.id(),
        projectId: project.id,
        name: repository,
        creationTime: pushTime,
        updateTime: pushTime,
        artifacts: new Map(),
        pullCount: 0,
      };
      project.repos.set(repository, repo);
    }
    for (const a of repo.artifacts.values()) a.tags = a.tags.filter((t) => t.name !== tag);
    let artifact = repo.artifacts.get(manifest.digest);
    if (!artifact) {
      artifact = { id: this.id(), repositoryId: repo.id, projectId: project.id, manifest, pushTime, tags: [] };
      repo.artifacts.set(manifest.digest, artifact);
    }
    artifact.tags.push({ id: this.id(), name: tag, pushTime });
    artifact.pushTime = Math.max(artifact.pushTime, pushTime);
    repo.updateTime = pushTime;
    return artifact;
  }

  /** Digest a tag points to. */
  resolve(repository: string, ref: string): ArtifactRec | undefined {
    const repo = this.findRepo(repository);
    if (!repo) return undefined;
    if (ref.startsWith('sha256:')) return repo.artifacts.get(ref);
    for (const a of repo.artifacts.values()) if (a.tags.some((t) => t.name === ref)) return a;
    return undefined;
  }

  user(name: string, password: string): SandboxUser | undefined {
    return this.users.find((u) => u.name === name && u.password === password);
  }

  canRead(user: SandboxUser | undefined, project: ProjectRec): boolean {
    if (project.public) return true;
    if (!user) return false;
    return !!user.admin || !!user.projects?.includes(project.name);
  }

  // ---- swagger-shaped renderings ----

  projectJson(p: ProjectRec) {
    return {
      project_id: p.id,
      owner_id: 1,
      name: p.name,
      registry_id: 0,
      creation_time: iso(p.creationTime),
      update_time: iso(p.creationTime),
      deleted: false,
      owner_name: 'admin',
      togglable: true,
      current_user_role_ids: [1],
      repo_count: p.repos.size,
      metadata: { public: String(p.public) },
      cve_allowlist: { id: p.id, project_id: p.id, items: [], creation_time: iso(p.creationTime), update_time: iso(p.creationTime) },
    };
  }

  repoJson(r: RepoRec) {
    return {
      id: r.id,
      project_id: r.projectId,
      name: r.name,
      description: '',
      artifact_count: r.artifacts.size,
      pull_count: r.pullCount,
      creation_time: iso(r.creationTime),
      update_time: iso(r.updateTime),
    };
  }

  artifactJson(repo: RepoRec, a: ArtifactRec, withTag: boolean) {
    return {
      id: a.id,
      type: 'IMAGE',
      media_type: 'application/vnd.oci.image.config.v1+json',
      manifest_media_type: a.manifest.mediaType,
      project_id: a.projectId,
      repository_id: a.repositoryId,
      repository_name: repo.name,
      digest: a.manifest.digest,
      size: a.manifest.size,
      icon: 'sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06',
      push_time: iso(a.pushTime),
      pull_time: '0001-01-01T00:00:00.000Z',
      extra_attrs: { config: {} },
      annotations: {},
      references: [],
      addition_links: {
        build_history: {
          href: `/api/v2.0/projects/x/repositories/y/artifacts/${a.manifest.digest}/additions/build_history`,
          absolute: false,
        },
      },
      ...(withTag ? { tags: a.tags.map((t) => this.tagJson(a, t)) } : {}),
    };
  }

  tagJson(a: ArtifactRec, t: TagRec) {
    return {
      id: t.id,
      repository_id: a.repositoryId,
      artifact_id: a.id,
      name: t.name,
      push_time: iso(t.pushTime),
      pull_time: '0001-01-01T00:00:00.000Z',
      immutable: false,
    };
  }
}
