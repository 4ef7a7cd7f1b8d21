//! The US Pacific day, which Google's daily quotas follow. The DST rule (since 2007) is
//! written out here rather than pulling in a time-zone database for one zone: daylight time
//! runs from 02:00 PST on the second Sunday of March to 02:00 PDT on the first Sunday of
//! November; otherwise the zone is UTC−8.

use time::{Date, Duration, Month, OffsetDateTime, Time, UtcOffset};

use super::Window;

const PST: UtcOffset = time::macros::offset!(-8);
const PDT: UtcOffset = time::macros::offset!(-7);

/// The `nth` Sunday (1-based) of the month, or `None` for a year `time` cannot represent.
fn nth_sunday(year: i32, month: Month, nth: u8) -> Option<Date> {
    let first = Date::from_calendar_date(year, month, 1).ok()?;
    let to_sunday = (7 - first.weekday().number_days_from_sunday()) % 7;
    first.checked_add(Duration::days(
        i64::from(to_sunday) + 7 * (i64::from(nth) - 1),
    ))
}

/// The local dates on which daylight time starts and ends in `year`.
fn dst_dates(year: i32) -> Option<(Date, Date)> {
    Some((
        nth_sunday(year, Month::March, 2)?,
        nth_sunday(year, Month::November, 1)?,
    ))
}

/// The Pacific offset in force at `instant`.
fn offset_at(instant: OffsetDateTime) -> UtcOffset {
    let utc = instant.to_offset(UtcOffset::UTC);
    let Some((start, end)) = dst_dates(utc.year()) else {
        return PST;
    };
    let two_am = Time::MIDNIGHT + Duration::hours(2);
    let starts = start.with_time(two_am).assume_offset(PST);
    let ends = end.with_time(two_am).assume_offset(PDT);
    if starts <= instant && instant < ends {
        PDT
    } else {
        PST
    }
}

/// The instant local midnight begins `date`. Midnight comes before the 02:00 switch, so it
/// is in daylight time from the day after DST starts through the day it ends.
fn midnight(date: Date) -> OffsetDateTime {
    let daylight = dst_dates(date.year()).is_some_and(|(start, end)| start < date && date <= end);
    date.midnight()
        .assume_offset(if daylight { PDT } else { PST })
}

/// The Pacific calendar day that `now` falls in (23 or 25 hours long on switch days).
pub fn pacific_day(now: OffsetDateTime) -> Window {
    let date = now.to_offset(offset_at(now)).date();
    let start = midnight(date);
    let end = date.next_day().map_or(start + Duration::days(1), midnight);
    Window {
        start: start.to_offset(UtcOffset::UTC),
        end: end.to_offset(UtcOffset::UTC),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn dst_switch_dates_follow_the_second_sunday_of_march_and_first_of_november() {
        assert_eq!(
            dst_dates(2026),
            Some((date!(2026 - 03 - 08), date!(2026 - 11 - 01)))
        );
        assert_eq!(
            dst_dates(2027),
            Some((date!(2027 - 03 - 14), date!(2027 - 11 - 07)))
        );
        // March 1 is itself a Sunday in 2026; the second Sunday is a week later.
        assert_eq!(date!(2026 - 03 - 01).weekday(), time::Weekday::Sunday);
        assert_eq!(
            dst_dates(2024),
            Some((date!(2024 - 03 - 10), date!(2024 - 11 - 03)))
        );
    }

    #[test]
    fn a_winter_day_starts_at_08_00_utc() {
        let day = pacific_day(datetime!(2026-01-15 12:00 UTC));
        assert_eq!(day.start, datetime!(2026-01-15 08:00 UTC));
        assert_eq!(day.end, datetime!(2026-01-16 08:00 UTC));
    }

    #[test]
    fn a_summer_day_starts_at_07_00_utc() {
        let day = pacific_day(datetime!(2026-07-04 06:59:59 UTC));
        assert_eq!(day.start, datetime!(2026-07-03 07:00 UTC));
        assert_eq!(day.end, datetime!(2026-07-04 07:00 UTC));
        let next = pacific_day(datetime!(2026-07-04 07:00 UTC));
        assert_eq!(next.start, datetime!(2026-07-04 07:00 UTC));
    }

    #[test]
    fn the_spring_forward_day_is_23_hours() {
        let day = pacific_day(datetime!(2026-03-08 12:00 UTC));
        assert_eq!(day.start, datetime!(2026-03-08 08:00 UTC));
        assert_eq!(day.end, datetime!(2026-03-09 07:00 UTC));
        // 01:59:59 PST and 03:00 PDT are the same local day.
        assert_eq!(pacific_day(datetime!(2026-03-08 09:59:59 UTC)), day);
        assert_eq!(pacific_day(datetime!(2026-03-08 10:00 UTC)), day);
        assert_eq!(pacific_day(datetime!(2026-03-09 06:59:59 UTC)), day);
        assert_eq!(
            pacific_day(datetime!(2026-03-09 07:00 UTC)).start,
            datetime!(2026-03-09 07:00 UTC)
        );
    }

    #[test]
    fn the_fall_back_day_is_25_hours() {
        let day = pacific_day(datetime!(2026-11-01 12:00 UTC));
        assert_eq!(day.start, datetime!(2026-11-01 07:00 UTC));
        assert_eq!(day.end, datetime!(2026-11-02 08:00 UTC));
        // Both 01:30s of the repeated hour belong to the day.
        assert_eq!(pacific_day(datetime!(2026-11-01 08:30 UTC)), day);
        assert_eq!(pacific_day(datetime!(2026-11-01 09:30 UTC)), day);
        assert_eq!(pacific_day(datetime!(2026-11-02 07:59:59 UTC)), day);
        assert_eq!(
            pacific_day(datetime!(2026-11-02 08:00 UTC)).start,
            datetime!(2026-11-02 08:00 UTC)
        );
    }

    #[test]
    fn the_day_before_a_switch_is_24_hours() {
        let before_spring = pacific_day(datetime!(2026-03-07 20:00 UTC));
        assert_eq!(before_spring.end - before_spring.start, Duration::hours(24));
        let before_fall = pacific_day(datetime!(2026-10-31 20:00 UTC));
        assert_eq!(before_fall.start, datetime!(2026-10-31 07:00 UTC));
        assert_eq!(before_fall.end, datetime!(2026-11-01 07:00 UTC));
    }

    #[test]
    fn the_offset_switches_at_two_in_the_morning_local_time() {
        assert_eq!(offset_at(datetime!(2026-03-08 09:59:59 UTC)), PST);
        assert_eq!(offset_at(datetime!(2026-03-08 10:00 UTC)), PDT);
        assert_eq!(offset_at(datetime!(2026-11-01 08:59:59 UTC)), PDT);
        assert_eq!(offset_at(datetime!(2026-11-01 09:00 UTC)), PST);
    }
}
