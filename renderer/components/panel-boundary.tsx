import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** Names the panel in the fallback, e.g. "Signal feed". */
  name: string;
  /** When this changes (e.g. another mission is opened), a crashed panel tries again. */
  resetKey?: string | number | null;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

/** A crash inside one panel shows here, with a retry; the rest of the app keeps running. */
export class PanelBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.warn(`The ${this.props.name} panel crashed`, error, info.componentStack);
  }

  override componentDidUpdate(prev: Props): void {
    if (this.state.error && prev.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="panel-crash" role="alert">
        <div className="panel-crash-title">{this.props.name} stopped working</div>
        <div className="panel-crash-message">{error.message}</div>
        <button type="button" className="btn btn-ghost" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
