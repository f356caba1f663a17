package dev.diskfleet.domain;

import java.util.Comparator;

/**
 * Names as a person sorts them: runs of digits compare by their value, so db-2 comes before db-10 (a plain
 * string order gives db-1, db-10, db-11, db-2); letters compare ignoring case. Names equal by those rules
 * (db-02 and db-2, Web and web) fall back to the plain order, so the order is total and stable.
 */
public final class NaturalOrder implements Comparator<String> {

    public static final Comparator<String> NAMES = new NaturalOrder();

    private NaturalOrder() {
    }

    @Override
    public int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (isDigit(x) && isDigit(y)) {
                int endA = digitsEnd(a, i);
                int endB = digitsEnd(b, j);
                int byValue = compareNumbers(a.substring(i, endA), b.substring(j, endB));
                if (byValue != 0) {
                    return byValue;
                }
                i = endA;
                j = endB;
            } else {
                int byLetter = Character.compare(Character.toLowerCase(x), Character.toLowerCase(y));
                if (byLetter != 0) {
                    return byLetter;
                }
                i++;
                j++;
            }
        }
        int byRest = Integer.compare(a.length() - i, b.length() - j);
        return byRest != 0 ? byRest : a.compareTo(b);
    }

    /** Digit runs of any length (no overflow): without leading zeros, the longer is larger. */
    private static int compareNumbers(String x, String y) {
        String m = stripZeros(x);
        String n = stripZeros(y);
        return m.length() != n.length() ? Integer.compare(m.length(), n.length()) : m.compareTo(n);
    }

    private static String stripZeros(String digits) {
        int k = 0;
        while (k < digits.length() - 1 && digits.charAt(k) == '0') {
            k++;
        }
        return digits.substring(k);
    }

    private static int digitsEnd(String s, int from) {
        int k = from;
        while (k < s.length() && isDigit(s.charAt(k))) {
            k++;
        }
        return k;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
