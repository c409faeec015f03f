// A briefing's key outcomes as a numbered list: linked headline, detail line and figures.
import { Link } from "@react-email/components";
import { formatFigure } from "../../src/render/figures.ts";
import { colors } from "./Layout.tsx";

/** One key outcome as the list shows it. */
export interface OutcomeListItem {
  id: string;
  headline: string;
  detail?: string;
  figures: { label: string; value: number; unit?: string }[];
  url: string;
}

export interface OutcomeListProps {
  outcomes: OutcomeListItem[];
  /** BCP 47 tag for the figures' number format. */
  language: string;
}

// Outlook ignores padding on <ol>, so the indent for the numbers is a left margin.
const list = { margin: "0 0 0 22px", padding: "0", color: colors.text };
const item = { margin: "0 0 14px", padding: "0 0 0 4px", fontSize: "15px", lineHeight: "22px" };
const headline = { color: colors.accent, fontWeight: 700, textDecoration: "underline" };
const line = { margin: "4px 0 0", fontSize: "15px", lineHeight: "22px", color: colors.text };
const figure = { margin: "2px 0 0", fontSize: "14px", lineHeight: "20px", color: colors.muted };

export function OutcomeList({ outcomes, language }: OutcomeListProps) {
  return (
    <ol style={list}>
      {outcomes.map((o) => (
        <li key={o.id} style={item}>
          <strong>
            <Link href={o.url} style={headline}>
              {o.headline}
            </Link>
          </strong>
          {o.detail ? <p style={line}>{o.detail}</p> : null}
          {/* Same "label: value unit" text as the web page and the feeds, so a figure reads alike everywhere. */}
          {o.figures.map((f) => (
            <p key={`${f.label}|${f.value}`} style={figure}>
              {formatFigure(f, language)}
            </p>
          ))}
        </li>
      ))}
    </ol>
  );
}
