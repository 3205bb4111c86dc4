/** Time constants shared by several models. */

/** Seconds between coarse updates (power draw, thermal input, capacity availability). */
export const TICK = 60;
