export {
  acrsOf,
  createEmulatorCredential,
  type EmulatorCredential,
  type EmulatorCredentialOptions,
  type EmulatorEndpoint,
  EmulatorSignInError,
} from "./credential";
export { type FileEntry, filesUnder } from "./files";
export { type HeadlessBrowserOptions, headlessOpenBrowser } from "./open-browser";
export {
  type CompleteSignInOptions,
  completeDeviceCodeSignIn,
  completeSignInPage,
  type FetchLike,
  parseFormPost,
  type SignInAnswer,
  SignInPageError,
  unescapeHtml,
} from "./sign-in-page";
