// What a fake upstream's models-list endpoint answers (GET /v1/models, /v1beta/models, /api/tags):
// the model ids it lists, or an error status while `failWith` is set. Tests change it at runtime
// to take a provider down and bring it back.
export interface ModelListing {
  models: string[];
  /** While set, the listing answers this HTTP status with the API's error body. */
  failWith: number | null;
  /** Listing requests received. */
  calls: number;
  /** The Authorization header of each listing request (null: none sent). */
  authorizations: Array<string | null>;
}

export function modelListing(models: string[]): ModelListing {
  return { models, failWith: null, calls: 0, authorizations: [] };
}
