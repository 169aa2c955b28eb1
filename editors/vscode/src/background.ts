// Who shows what when a server command runs. The status bar item and the Compute view ask the
// server in the background (on open, on save, every poll); those calls must never pop anything
// up, so they pass `quiet: true` and their answers go to the status bar, the lens and the tree
// only. A command the user started shows the server's own closing message, progress and
// questions, and the extension adds none of its own, so nothing is said twice. Pure.

/** Why a server command runs. */
export type Origin =
  /** A refresh nobody asked for: status bar polls, the Compute view loading. */
  | "background"
  /** The user picked it: palette, editor title menu, tree item, code lens. */
  | "user";

export interface Presentation {
  /** Sent as `quiet: true`: the server shows no message, no progress and asks nothing. */
  readonly quiet: boolean;
  /** The extension itself shows a failure (the server was told to stay quiet). */
  readonly extensionShowsFailure: boolean;
}

/**
 * `aml.list` and `aml.sizes` started by the user are shown by the extension (the Compute view,
 * a quick pick titled with the server's message), so the server's closing toast would only
 * repeat it: they run quietly too, and the extension shows a failure itself.
 */
export function presentation(serverCommand: string, origin: Origin): Presentation {
  if (origin === "background") {
    return { quiet: true, extensionShowsFailure: false };
  }
  const shownByExtension = serverCommand === "aml.list" || serverCommand === "aml.sizes";
  return { quiet: shownByExtension, extensionShowsFailure: shownByExtension };
}

/** The `workspace/executeCommand` argument for a call. */
export function commandArgument<T extends object>(serverCommand: string, args: T, origin: Origin): T & { quiet?: true } {
  return presentation(serverCommand, origin).quiet ? { ...args, quiet: true } : { ...args };
}
