"""The slice of GitHub's GraphQL schema the simulator implements, in GitHub's own names and types.

tests/conformance checks it against GitHub's published schema: every type,
field and argument here must exist there with the same type, so a query that
runs here runs on github.com.
"""

SDL = """
scalar GitObjectID
scalar DateTime
scalar URI
scalar BigInt

interface GitObject {
  id: ID!
  oid: GitObjectID!
  abbreviatedOid: String!
  commitUrl: URI!
}

type Blob implements GitObject {
  id: ID!
  oid: GitObjectID!
  abbreviatedOid: String!
  commitUrl: URI!
  byteSize: Int!
  isBinary: Boolean
  isTruncated: Boolean!
  text: String
}

type TreeEntry {
  name: String!
  path: String
  type: String!
  mode: Int!
  oid: GitObjectID!
  size: Int!
  extension: String
  isGenerated: Boolean!
  lineCount: Int
  object: GitObject
}

type Tree implements GitObject {
  id: ID!
  oid: GitObjectID!
  abbreviatedOid: String!
  commitUrl: URI!
  entries: [TreeEntry!]
}

type Commit implements GitObject {
  id: ID!
  oid: GitObjectID!
  abbreviatedOid: String!
  commitUrl: URI!
  message: String!
  messageHeadline: String!
  committedDate: DateTime!
  authoredDate: DateTime!
  tree: Tree!
  file(path: String!): TreeEntry
}

type Ref {
  id: ID!
  name: String!
  prefix: String!
  target: GitObject
}

interface RepositoryOwner {
  login: String!
}

interface Actor {
  login: String!
}

type Organization implements Actor & RepositoryOwner {
  login: String!
}

type User implements Actor & RepositoryOwner {
  login: String!
}

type Bot implements Actor {
  login: String!
}

enum CommentAuthorAssociation {
  COLLABORATOR
  CONTRIBUTOR
  FIRST_TIMER
  FIRST_TIME_CONTRIBUTOR
  MANNEQUIN
  MEMBER
  NONE
  OWNER
}

enum PullRequestState {
  OPEN
  CLOSED
  MERGED
}

enum PatchStatus {
  ADDED
  DELETED
  RENAMED
  COPIED
  MODIFIED
  CHANGED
}

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type PullRequestChangedFile {
  path: String!
  additions: Int!
  deletions: Int!
  changeType: PatchStatus!
}

type PullRequestChangedFileConnection {
  totalCount: Int!
  pageInfo: PageInfo!
  nodes: [PullRequestChangedFile]
}

type PullRequestCommit {
  id: ID!
  commit: Commit!
}

type PullRequestCommitConnection {
  totalCount: Int!
  pageInfo: PageInfo!
  nodes: [PullRequestCommit]
}

type PullRequestReviewComment {
  id: ID!
  fullDatabaseId: BigInt
  body: String!
}

type PullRequestReviewCommentConnection {
  totalCount: Int!
  pageInfo: PageInfo!
  nodes: [PullRequestReviewComment]
}

type IssueComment {
  id: ID!
  fullDatabaseId: BigInt
  body: String!
  author: Actor
  authorAssociation: CommentAuthorAssociation!
  createdAt: DateTime!
}

type IssueCommentConnection {
  totalCount: Int!
  pageInfo: PageInfo!
  nodes: [IssueComment]
}

type PullRequestReviewThread {
  id: ID!
  isResolved: Boolean!
  resolvedBy: User
  path: String!
  comments(first: Int, after: String, last: Int, before: String): PullRequestReviewCommentConnection!
}

type PullRequestReviewThreadConnection {
  totalCount: Int!
  pageInfo: PageInfo!
  nodes: [PullRequestReviewThread]
}

type PullRequest {
  id: ID!
  number: Int!
  title: String!
  body: String!
  state: PullRequestState!
  isDraft: Boolean!
  headRefName: String!
  headRefOid: GitObjectID!
  baseRefName: String!
  baseRefOid: GitObjectID!
  baseRef: Ref
  additions: Int!
  deletions: Int!
  changedFiles: Int!
  files(first: Int, after: String, last: Int, before: String): PullRequestChangedFileConnection
  commits(first: Int, after: String, last: Int, before: String): PullRequestCommitConnection!
  comments(first: Int, after: String, last: Int, before: String): IssueCommentConnection!
  reviewThreads(first: Int, after: String, last: Int, before: String): PullRequestReviewThreadConnection!
}

type Repository {
  id: ID!
  name: String!
  nameWithOwner: String!
  isPrivate: Boolean!
  url: URI!
  owner: RepositoryOwner!
  defaultBranchRef: Ref
  ref(qualifiedName: String!): Ref
  object(expression: String, oid: GitObjectID): GitObject
  pullRequest(number: Int!): PullRequest
}

type RateLimit {
  cost: Int!
  limit: Int!
  nodeCount: Int!
  remaining: Int!
  resetAt: DateTime!
  used: Int!
}

type Query {
  repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
  rateLimit(dryRun: Boolean = false): RateLimit
}

input ResolveReviewThreadInput {
  clientMutationId: String
  threadId: ID!
}

type ResolveReviewThreadPayload {
  clientMutationId: String
  thread: PullRequestReviewThread
}

input UnresolveReviewThreadInput {
  clientMutationId: String
  threadId: ID!
}

type UnresolveReviewThreadPayload {
  clientMutationId: String
  thread: PullRequestReviewThread
}

type Mutation {
  resolveReviewThread(input: ResolveReviewThreadInput!): ResolveReviewThreadPayload
  unresolveReviewThread(input: UnresolveReviewThreadInput!): UnresolveReviewThreadPayload
}
"""
