.queue VXM.0
 add i32, s8e, alue, s8w
