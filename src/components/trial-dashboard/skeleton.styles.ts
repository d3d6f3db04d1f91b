/**
 * Styles of the dashboard's loading skeleton: grey blocks shaped like the page that will replace
 * them, shimmering unless the user asks for reduced motion.
 */
import { css } from 'lit';

export const skeletonStyles = css`
    .skeleton {
      display: flex;
      flex-direction: column;
      gap: 12px;
    }
    .bone {
      background: linear-gradient(90deg, var(--_surface) 25%, var(--_grid) 50%, var(--_surface) 75%);
      background-size: 200% 100%;
      border-radius: var(--_radius);
      height: 56px;
      flex: 1;
      animation: shimmer 1.4s ease-in-out infinite;
    }
    .bone-title {
      flex: none;
      height: 28px;
      width: min(320px, 60%);
    }
    .bone-row,
    .bone-grid {
      display: flex;
      gap: 12px;
    }
    .bone-grid {
      flex-wrap: wrap;
    }
    .bone-chart {
      height: var(--_chart-height);
      min-width: min(100%, 360px);
    }
    .bone-table {
      height: 240px;
      flex: none;
    }
    @keyframes shimmer {
      from {
        background-position: 200% 0;
      }
      to {
        background-position: -200% 0;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .bone {
        animation: none;
      }
    }
`;
